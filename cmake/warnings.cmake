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
