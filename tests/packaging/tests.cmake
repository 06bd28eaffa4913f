# The Debian package (packaging/, docs/deployment.md): built with CPack and checked by
# tests/packaging/deb_test.sh. It strips and compresses the whole program (~20-40 s on the
# 2-core machine), so it is labelled `slow` and left out of scripts/test.sh's default run only
# when ECOAUDIT_PACKAGE_TEST is OFF:  ctest -R '^packaging\.deb$'  runs it.
option(ECOAUDIT_PACKAGE_TEST "Register the .deb build test (packaging.deb)" ON)
if(ECOAUDIT_PACKAGE_TEST AND TARGET ecoaudit)
  find_program(DPKG_DEB dpkg-deb)
  if(DPKG_DEB)
    add_test(NAME packaging.deb
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/deb_test.sh ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/packaging-deb)
    set_tests_properties(packaging.deb PROPERTIES LABELS slow TIMEOUT 600)
  endif()
endif()
