# Warnings on for everything we compile; errors when YH_WERROR is on (CI).
set(YH_WARNINGS
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wundef
  -Wvla -Wold-style-definition -Wnull-dereference -Wdouble-promotion)
if(YH_WERROR)
  list(APPEND YH_WARNINGS -Werror)
endif()
add_compile_options(${YH_WARNINGS})
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)

if(YH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing: every library gets libFuzzer's coverage instrumentation and the sanitizers,
# so the fuzzer is guided through the parsers' own code, not just the target file.
if(YH_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "YH_FUZZ needs clang: CC=clang cmake -DYH_FUZZ=ON ...")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
