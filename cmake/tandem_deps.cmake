# Third-party dependencies, all from Debian 12 packages (scripts/install-deps.sh installs them).
# Each becomes an imported target named tandem::dep::<name>; only the adapter folder of a
# library links it, and no public header of ours includes it.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)           # Asio (header-only), through common/asio.hpp only
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
if(TANDEM_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TANDEM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

function(tandem_pkg name module)
  pkg_check_modules(${name} REQUIRED IMPORTED_TARGET GLOBAL ${module})
  add_library(tandem::dep::${name} ALIAS PkgConfig::${name})
endfunction()

tandem_pkg(sofia sofia-sip-ua)
tandem_pkg(ortp ortp)
tandem_pkg(bctoolbox bctoolbox)
tandem_pkg(spandsp spandsp)
tandem_pkg(libconfig libconfig++)
tandem_pkg(bcg729 libbcg729)
tandem_pkg(speexdsp speexdsp)
tandem_pkg(sndfile sndfile)
if(TANDEM_WITH_G7231)
  tandem_pkg(avcodec "libavcodec;libavutil")
endif()

# libpri and libgsm ship no .pc file.
find_path(LIBPRI_INCLUDE_DIR libpri.h REQUIRED)
find_library(LIBPRI_LIBRARY pri REQUIRED)
add_library(tandem::dep::libpri UNKNOWN IMPORTED GLOBAL)
set_target_properties(tandem::dep::libpri PROPERTIES IMPORTED_LOCATION ${LIBPRI_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${LIBPRI_INCLUDE_DIR})
find_path(LIBGSM_INCLUDE_DIR gsm.h PATH_SUFFIXES gsm REQUIRED)
find_library(LIBGSM_LIBRARY gsm REQUIRED)
add_library(tandem::dep::gsm UNKNOWN IMPORTED GLOBAL)
set_target_properties(tandem::dep::gsm PROPERTIES IMPORTED_LOCATION ${LIBGSM_LIBRARY}
                      INTERFACE_INCLUDE_DIRECTORIES ${LIBGSM_INCLUDE_DIR})

# DAHDI: the kernel package ships the user header outside /usr/include. Installing dahdi-dkms
# pulls dkms and kernel builds, so when the header is absent the configure step takes only the
# header out of the package (tdm/dahdi/fetch-header.sh: apt-get download + dpkg-deb -x) into a
# cache shared by every build dir. Without it the dahdi span backend is simply not built.
option(TANDEM_FETCH_DAHDI_HEADER "Fetch dahdi/user.h from the dahdi-dkms .deb when missing" ON)
set(TANDEM_DAHDI_HEADER_CACHE ${PROJECT_SOURCE_DIR}/build/_deps/dahdi-header
    CACHE PATH "Where fetch-header.sh puts include/dahdi/user.h")
file(GLOB _dahdi_dirs /usr/src/dahdi-*/include)
find_path(DAHDI_INCLUDE_DIR dahdi/user.h HINTS ${_dahdi_dirs} ${TANDEM_DAHDI_HEADER_CACHE}/include)
if(NOT DAHDI_INCLUDE_DIR AND TANDEM_FETCH_DAHDI_HEADER)
  execute_process(COMMAND ${PROJECT_SOURCE_DIR}/tdm/dahdi/fetch-header.sh
                          ${TANDEM_DAHDI_HEADER_CACHE}
                  RESULT_VARIABLE _dahdi_rc OUTPUT_VARIABLE _dahdi_out ERROR_VARIABLE _dahdi_err)
  message(STATUS "DAHDI header: ${_dahdi_out}${_dahdi_err}")
  unset(DAHDI_INCLUDE_DIR CACHE)
  find_path(DAHDI_INCLUDE_DIR dahdi/user.h HINTS ${TANDEM_DAHDI_HEADER_CACHE}/include)
endif()
if(NOT DAHDI_INCLUDE_DIR)
  message(STATUS "DAHDI header not found: the dahdi span backend is not built")
endif()
