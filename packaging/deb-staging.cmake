# CPACK_PRE_BUILD_SCRIPTS: runs after CPack installed the files into its staging directory and
# before it builds the package. For the Debian package only, make the tree follow Debian policy:
#  - man pages compressed with gzip -9n (lintian: uncompressed-manual-page is an error);
#  - /usr/share/doc/pcusage/changelog.gz, the Debian changelog of a native package (no-changelog);
#  - the zsh completion in /usr/share/zsh/vendor-completions, which Debian's zsh searches
#    (/usr/share/zsh/site-functions is not in its $fpath);
#  - the lintian overrides, documented in packaging/lintian-overrides.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()

set(root "${CPACK_TEMPORARY_INSTALL_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")
if(NOT IS_DIRECTORY "${root}/share")
  message(FATAL_ERROR "deb-staging: no share/ under ${root}")
endif()

find_program(GZIP gzip REQUIRED)
function(gzip_n file)
  execute_process(COMMAND ${GZIP} -9nf "${file}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "deb-staging: gzip ${file} failed")
  endif()
endfunction()

file(GLOB man_pages "${root}/share/man/man[1-9]/*.[1-9]")
foreach(page IN LISTS man_pages)
  gzip_n("${page}")
endforeach()

set(doc "${root}/share/doc/${CPACK_PACKAGE_NAME}")
configure_file("${CPACK_PCUSAGE_DEBIAN_CHANGELOG}" "${doc}/changelog" COPYONLY)
gzip_n("${doc}/changelog")

set(zsh_site "${root}/share/zsh/site-functions")
if(EXISTS "${zsh_site}/_pcusage")
  file(MAKE_DIRECTORY "${root}/share/zsh/vendor-completions")
  file(RENAME "${zsh_site}/_pcusage" "${root}/share/zsh/vendor-completions/_pcusage")
  file(GLOB left "${zsh_site}/*")
  if(NOT left)
    file(REMOVE_RECURSE "${zsh_site}")
  endif()
endif()

file(READ "${CPACK_PCUSAGE_LINTIAN_OVERRIDES}" overrides)
string(REGEX REPLACE "(^|\n)#[^\n]*" "" overrides "${overrides}")  # comments stay in the source
string(STRIP "${overrides}" overrides)
if(NOT overrides STREQUAL "")
  file(WRITE "${root}/share/lintian/overrides/${CPACK_PACKAGE_NAME}" "${overrides}\n")
endif()
