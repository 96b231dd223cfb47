# The install layout (docs/packaging.md): GNUInstallDirs, so that a package built with
# CMAKE_INSTALL_PREFIX=/usr puts programs in /usr/bin (the centre's daemon and its admin
# tool in /usr/sbin), read-only data in /usr/share/yulin-honour, configuration in
# /etc/yulin-honour and state in /var/lib/yulin-honour.
#
# No path of the source or build tree may end up in a program: the data directory is
# found at run time (common/datadir.h) from the program's own directory and the relative
# path computed here; the build tree gets a link share/yulin-honour -> assets/ so that
# the programs run from the build tree find the sources' assets the same way.
include(GNUInstallDirs)

set(YH_NAME yulin-honour)
set(YH_DATADIR ${CMAKE_INSTALL_DATADIR}/${YH_NAME})
set(YH_FULL_DATADIR ${CMAKE_INSTALL_FULL_DATADIR}/${YH_NAME})
set(YH_FULL_CONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/${YH_NAME})
set(YH_FULL_STATEDIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/${YH_NAME})
file(RELATIVE_PATH YH_DATADIR_REL ${CMAKE_INSTALL_FULL_BINDIR} ${YH_FULL_DATADIR})
file(RELATIVE_PATH yh_sbin_rel ${CMAKE_INSTALL_FULL_SBINDIR} ${YH_FULL_DATADIR})
if(NOT yh_sbin_rel STREQUAL YH_DATADIR_REL)
  message(FATAL_ERROR "bin and sbin must be at the same depth (${YH_DATADIR_REL} vs "
                      "${yh_sbin_rel}): common_datadir() takes one relative path")
endif()

# systemd units: where systemd looks under the prefix (/usr/local/lib/systemd/system is
# searched too); the Debian packages pass /lib/systemd/system (bookworm's place).
set(YH_SYSTEMD_UNITDIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" CACHE PATH
    "Where the systemd units are installed")

# __FILE__ (assert messages) and the debug information name source files relative to
# the top of the tree, not by the clone's absolute path.
add_compile_options("-ffile-prefix-map=${PROJECT_SOURCE_DIR}/="
                    "-ffile-prefix-map=${PROJECT_BINARY_DIR}/=")

file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/share)
if(NOT EXISTS ${PROJECT_BINARY_DIR}/share/${YH_NAME})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/assets ${PROJECT_BINARY_DIR}/share/${YH_NAME} SYMBOLIC)
endif()

# Man pages (docs/man/*.scd) when scdoc is there; the packages build-depend on it.
find_program(YH_SCDOC scdoc)
