# Install rules and the Debian package (CPack DEB). docs/operations.md describes the layout:
#   /usr/bin/tandem-*            the binaries that were built (each rule is guarded)
#   /etc/tandem/<daemon>/        example configurations (conffiles)
#   /usr/lib/systemd/system/     tandem-mgw.service, tandem-ca.service, tandem-pstn@.service
#   /usr/lib/sysusers.d/         tandem.conf (the tandem user and group)
#   /usr/share/doc/tandem/       docs/*.md
include(GNUInstallDirs)

set(TANDEM_INSTALL_SYSCONFDIR "/etc/tandem" CACHE PATH "Where example configurations are installed")

# OPTIONAL: `cmake --install` and the package test take what was built and skip the rest.
foreach(bin tandem-mgw tandem-ca tandem-pstn tandem-lab tandem-codec tandem-mgcp tandem-ctl)
  if(TARGET ${bin})
    install(TARGETS ${bin} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} OPTIONAL)
  endif()
endforeach()

set(_conffiles "")
foreach(dir mgw ca pstn lab)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/etc/${dir})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/etc/${dir} DESTINATION ${TANDEM_INSTALL_SYSCONFDIR})
    file(GLOB_RECURSE _files RELATIVE ${PROJECT_SOURCE_DIR}/etc ${PROJECT_SOURCE_DIR}/etc/${dir}/*)
    foreach(f ${_files})
      string(APPEND _conffiles "${TANDEM_INSTALL_SYSCONFDIR}/${f}\n")
    endforeach()
  endif()
endforeach()

install(FILES ${PROJECT_SOURCE_DIR}/etc/systemd/tandem-mgw.service
              ${PROJECT_SOURCE_DIR}/etc/systemd/tandem-ca.service
              ${PROJECT_SOURCE_DIR}/etc/systemd/tandem-pstn@.service
        DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/etc/systemd/tandem.sysusers
        DESTINATION lib/sysusers.d RENAME tandem.conf)

file(GLOB _docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Debian package. Depends come from dpkg-shlibdeps over the installed binaries, so they name
# exactly the runtime libraries the built binaries link (libspandsp2, libortp16, libpri1.4 ...).
set(_ops_pkg_dir ${CMAKE_CURRENT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${_ops_pkg_dir})
file(WRITE ${_ops_pkg_dir}/conffiles "${_conffiles}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/packaging/postinst ${_ops_pkg_dir}/postinst COPYONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "tandem")
set(CPACK_PACKAGE_VENDOR "Tandem")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Tandem maintainers <tandem@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "trunking media gateway system: MGCP media gateway, call agent, PSTN simulator")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Tandem bridges PSTN trunks (simulated E1/T1 spans or DAHDI cards) with SIP and RTP:\n a call agent controls media gateways over MGCP; a PSTN simulator and a lab runner\n script PSTN-IP-PSTN calls. Includes tandem-ctl and systemd units.")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_ops_pkg_dir}/conffiles;${_ops_pkg_dir}/postinst")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
include(CPack)

# The package test runs the install step itself (no build of targets that are not built), so
# it uses its own CPack configuration that packages a staged tree.
file(WRITE ${CMAKE_BINARY_DIR}/CPackStagedConfig.cmake
     "include(\"${CMAKE_BINARY_DIR}/CPackConfig.cmake\")\n"
     "set(CPACK_INSTALL_CMAKE_PROJECTS \"\")\n"
     "set(CPACK_INSTALLED_DIRECTORIES \"\$ENV{TANDEM_PACKAGE_STAGE};/\")\n"
     "set(CPACK_PACKAGING_INSTALL_PREFIX \"/\")\n"
     "set(CPACK_OUTPUT_FILE_PREFIX \"\$ENV{TANDEM_PACKAGE_OUT}\")\n")
