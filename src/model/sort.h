// Stable sorting of items by one field.
#pragma once

#include "model/columns.h"
#include "model/dataset.h"

namespace pcusage {

// Sorts data.items() stably by the cell at `column`: numbers (by numeric value) before strings
// (byte-wise) before booleans, objects and arrays (by compact JSON text); missing and null last in
// both directions. `descending` reverses the order of the present values only.
void sort_items(Dataset& data, const Column& column, bool descending);

}  // namespace pcusage
