# What the packages install besides the programs (docs/packaging.md): the data, the
# example configuration as the installed one, the systemd units with the install's
# paths, the documentation the units name.
set(YH_DOCDIR_REL ${CMAKE_INSTALL_DATADIR}/doc/${YH_NAME})
set(YH_DOCDIR ${CMAKE_INSTALL_PREFIX}/${YH_DOCDIR_REL})

# Read-only data, found at run time by common_datadir().
install(FILES assets/sites.ini DESTINATION ${YH_DATADIR})
install(DIRECTORY assets/strings DESTINATION ${YH_DATADIR} FILES_MATCHING PATTERN "*.ini")
# The centre's web console: its style sheet and optional script (docs/console.md).
install(DIRECTORY assets/console DESTINATION ${YH_DATADIR})
# The published card test vectors, what yhvectors replays (yulin-honour-tools); data, not
# documentation, so that no packaging step compresses the transcripts.
install(DIRECTORY docs/card-test-vectors DESTINATION ${YH_DATADIR})

# Configuration: the documented examples, as the files the units read.
install(FILES assets/kiosk.example.ini DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/${YH_NAME}
        RENAME kiosk.ini)
install(FILES etc/${YH_NAME}/centre.conf DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/${YH_NAME})
# The centre's site registry ([reports] sites: hospital names, `terminal register`,
# `registry import`): a configuration file the operator keeps, so under /etc.
install(FILES assets/sites.ini DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/${YH_NAME})
install(FILES etc/reader.conf.d/yulin-vpcd DESTINATION ${YH_DOCDIR_REL}/examples)

# Units: the install's own paths substituted into etc/systemd/*.service.in.
set(YH_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
set(YH_SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR})
set(YH_CONFDIR ${YH_FULL_CONFDIR})
set(YH_DATADIR_FULL ${YH_FULL_DATADIR})
foreach(unit yulin-kiosk.service yulin-kiosk-x11.service yulin-centre.service)
  set(YH_GENERATED "Made by CMake from etc/systemd/${unit}.in.")
  configure_file(etc/systemd/${unit}.in ${PROJECT_BINARY_DIR}/etc/systemd/${unit} @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/etc/systemd/${unit} DESTINATION ${YH_SYSTEMD_UNITDIR})
endforeach()

# The documents the units and man pages point at.
install(FILES README.md docs/terminal.md docs/kiosk.md docs/ui.md docs/journal.md
              docs/centre.md docs/sync-protocol.md docs/station.md docs/cardsim.md
              docs/card-spec.md docs/card-conformance.md docs/packaging.md
              docs/install.md docs/his-api.md docs/staff.md docs/console.md docs/cli.md
        DESTINATION ${YH_DOCDIR_REL})
