# What `cmake --install` puts under the prefix besides bin/pcusage (see src/CMakeLists.txt):
# the man page, the shell completions and the documentation. Included from CMakeLists.txt.

# The man page carries the version of project(): configured into the build directory, which is
# also where tests/docs_drift.sh checks it.
configure_file(${PROJECT_SOURCE_DIR}/docs/pcusage.1.in ${PROJECT_BINARY_DIR}/pcusage.1 @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pcusage.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Completions, where each shell looks for them under a prefix. (The Debian package moves the zsh
# one to share/zsh/vendor-completions, the directory Debian's zsh searches: see deb-staging.cmake.)
install(FILES ${PROJECT_SOURCE_DIR}/completions/pcusage.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME pcusage)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_pcusage
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/pcusage.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# Documentation, laid out as in the source tree so that README.md's links keep working.
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md
              ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        USE_SOURCE_PERMISSIONS)
