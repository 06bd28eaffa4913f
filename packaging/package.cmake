# The Debian package (`cpack -G DEB` in the build folder; docs/deployment.md): the ecoaudit
# program, the Jinzhong ruleset, the systemd units (the workbench's service, a timer and a
# service for a command-line sweep) and the default configuration /etc/ecoaudit/ecoaudit.json
# (a conffile: an edited one survives upgrades). The store lives under /var/lib/ecoaudit, made
# by the service; the package's scripts add the system user `ecoaudit` and never remove the
# store. tests/packaging/deb_test.sh builds the package and checks what it holds.
include(GNUInstallDirs)

set(_pkg ${PROJECT_SOURCE_DIR}/packaging)
install(TARGETS ecoaudit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rulesets/jinzhong DESTINATION ${CMAKE_INSTALL_DATADIR}/ecoaudit/rulesets)
install(FILES ${_pkg}/systemd/ecoaudit.service ${_pkg}/systemd/ecoaudit-sweep.service
              ${_pkg}/systemd/ecoaudit-sweep.timer
        DESTINATION lib/systemd/system)
install(FILES ${_pkg}/ecoaudit.json DESTINATION /etc/ecoaudit)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/deployment.md ${PROJECT_SOURCE_DIR}/docs/jobs.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ecoaudit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "EcoAudit maintainers <ecoaudit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Compliance and permit auditing against an environmental plan's rules")
set(CPACK_PACKAGE_DESCRIPTION "EcoAudit runs the rules of an environmental plan (the Jinzhong 14th Five-Year \
Ecological Environment Protection Plan) over enterprise and permit records: sweeps, audits, screening of \
applications, and the bureau's workbench served over HTTP (ecoaudit serve).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the libraries the binary links, by dpkg-shlibdeps
# tzdata: the bureau's zone for schedules; adduser: the package's postinst.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_pkg}/debian/conffiles ${_pkg}/debian/postinst ${_pkg}/debian/prerm ${_pkg}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
