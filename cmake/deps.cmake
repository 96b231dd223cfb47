# Every dependency comes through pkg-config. When one is missing, configuration stops
# here and names the Debian package that provides it.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

# yh_require(<imported-target-name> <pkg-config module> <debian package>)
function(yh_require name module debpkg)
  pkg_check_modules(${name} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR
      "Missing dependency '${module}'. Install it with: apt-get install ${debpkg}\n"
      "(or run ./demo or tests/run, which install everything missing)")
  endif()
  message(STATUS "Found ${module} ${${name}_VERSION}")
endfunction()

yh_require(PCSC    libpcsclite  libpcsclite-dev)
yh_require(OPENSSL "openssl>=3.0" libssl-dev)
yh_require(SQLITE  sqlite3      libsqlite3-dev)
yh_require(CURL    libcurl      libcurl4-openssl-dev)
yh_require(SDL2    sdl2         libsdl2-dev)
yh_require(SDL2TTF SDL2_ttf     libsdl2-ttf-dev)
yh_require(SDL2IMG SDL2_image   libsdl2-image-dev)
yh_require(CHECK   check        check)
yh_require(ESPEAK  espeak-ng    libespeak-ng-dev)
# the gate's GPIO actuator (terminal/actuator.c) is written to libgpiod 1.x (Debian
# bookworm's 1.6); 2.x changed the API
yh_require(GPIOD   "libgpiod<2"  libgpiod-dev)

find_package(Threads REQUIRED)
