# The Debian package: `cpack -G DEB` in a build directory writes pcusage_<version>_<arch>.deb.
# scripts/check-package builds and checks it (dpkg-deb, lintian, an extracted --version).
# Included from CMakeLists.txt, after the install() rules.

set(PCUSAGE_PACKAGE_MAINTAINER "pcusage maintainers <pcusage@users.noreply.github.com>"
    CACHE STRING "The Maintainer field of the Debian package (Name <address>)")

set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VENDOR "The pcusage authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${PCUSAGE_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY ${PROJECT_DESCRIPTION})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # pcusage_0.2.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${PCUSAGE_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# No Homepage field until the project has a real home page (set PCUSAGE_HOMEPAGE then).
set(PCUSAGE_HOMEPAGE "" CACHE STRING "The Homepage field of the Debian package (empty: none)")
if(PCUSAGE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PCUSAGE_HOMEPAGE})
endif()
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from dpkg-shlibdeps (package dpkg-dev)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The synopsis is project(DESCRIPTION) (CPACK_PACKAGE_DESCRIPTION_SUMMARY); this is the extended
# description, in paragraphs (CPack indents the lines and writes the empty one as " .").
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "pcusage fetches Microsoft Partner Center's aggregated license usage insights
(GET /v1/analytics/licenses/usage) and prints them as an aligned table, JSON,
NDJSON, CSV or TSV, for terminals, shell pipelines and cron.

Numbers come out exactly as the service wrote them; text that could drive a
terminal or a spreadsheet is neutralised; errors are one line with the
service's code and the ids support asks for; the exit status says what went
wrong; and the token never appears in any output. It can sign in by itself
with a refresh token (Secure Application Model).")

# A Debian changelog for the package (native: /usr/share/doc/pcusage/changelog.gz), dated with
# PCUSAGE_RELEASE_DATE; CHANGELOG.md stays the real history.
string(REGEX MATCH "^([0-9]+)-([0-9]+)-([0-9]+)$" _date "${PCUSAGE_RELEASE_DATE}")
if(NOT _date)
  message(FATAL_ERROR "PCUSAGE_RELEASE_DATE \"${PCUSAGE_RELEASE_DATE}\" is not YYYY-MM-DD")
endif()
math(EXPR _y "${CMAKE_MATCH_1}")
math(EXPR _m "${CMAKE_MATCH_2}")
math(EXPR _d "${CMAKE_MATCH_3}")
# Day of the week (Sakamoto's method), for the RFC 5322 date dpkg wants.
set(_t 0 3 2 5 0 3 5 1 4 6 2 4)
math(EXPR _i "${_m} - 1")
list(GET _t ${_i} _tm)
set(_yy ${_y})
if(_m LESS 3)
  math(EXPR _yy "${_y} - 1")
endif()
math(EXPR _wd "(${_yy} + ${_yy} / 4 - ${_yy} / 100 + ${_yy} / 400 + ${_tm} + ${_d}) % 7")
set(_days Sun Mon Tue Wed Thu Fri Sat)
set(_months Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
list(GET _days ${_wd} _day)
list(GET _months ${_i} _month)
set(PCUSAGE_RELEASE_DATE_RFC5322 "${_day}, ${_d} ${_month} ${_y} 00:00:00 +0000")
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.Debian.in
               ${PROJECT_BINARY_DIR}/packaging/changelog @ONLY)

# After CPack has installed into its staging directory: gzip the man page and the changelog and
# move the zsh completion to Debian's directory (deb-staging.cmake). CPACK_PCUSAGE_* variables
# reach that script through CPackConfig.cmake.
set(CPACK_PCUSAGE_DEBIAN_CHANGELOG ${PROJECT_BINARY_DIR}/packaging/changelog)
set(CPACK_PCUSAGE_LINTIAN_OVERRIDES ${CMAKE_CURRENT_LIST_DIR}/lintian-overrides)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/deb-staging.cmake)

include(CPack)
