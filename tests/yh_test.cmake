# yh_unit_test(<name> SOURCES <files...> LIBS <libs...>)
#   A Check suite that needs nothing outside the process.
# yh_card_test(<name> SOURCES <files...> LIBS <libs...>)
#   A test through the real pcscd and the card simulator: it gets the pcscd fixture
#   and the "vpcd" resource lock.
# yh_pg_test(<name>)
#   Run the already registered test <name> once more as <name>.pg with the centre's store
#   on the fixture's PostgreSQL (YH_CENTRE_BACKEND=postgresql; tests/centre/common).
function(yh_add_check_exe name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
  target_link_libraries(${name} PRIVATE ${A_LIBS} PkgConfig::CHECK Threads::Threads)
endfunction()

function(yh_unit_test name)
  yh_add_check_exe(${name} ${ARGN})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300
    ENVIRONMENT "CK_DEFAULT_TIMEOUT=120;YH_SOURCE_DIR=${PROJECT_SOURCE_DIR};YH_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()

function(yh_card_test name)
  yh_add_check_exe(${name} ${ARGN})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 1800 FIXTURES_REQUIRED pcscd RESOURCE_LOCK vpcd
    ENVIRONMENT "CK_DEFAULT_TIMEOUT=300;YH_SOURCE_DIR=${PROJECT_SOURCE_DIR};YH_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()

function(yh_pg_test name)
  add_test(NAME ${name}.pg COMMAND ${name})
  # PostgreSQL pays a round trip per statement: Check's per-case limits times three.
  set_tests_properties(${name}.pg PROPERTIES TIMEOUT 1800 FIXTURES_REQUIRED postgres
    ENVIRONMENT "CK_DEFAULT_TIMEOUT=240;CK_TIMEOUT_MULTIPLIER=3;YH_SOURCE_DIR=${PROJECT_SOURCE_DIR};YH_BINARY_DIR=${PROJECT_BINARY_DIR};YH_CENTRE_BACKEND=postgresql;YH_PG_STATE=${YH_PG_STATE}")
endfunction()
