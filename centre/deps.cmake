# The centre's extra dependencies (the shared ones come from cmake/deps.cmake; jansson and
# zlib are shared with netsync through netsync/deps.cmake).
include(${PROJECT_SOURCE_DIR}/netsync/deps.cmake)
if(NOT TARGET PkgConfig::LIBEVENT)
  yh_require(LIBEVENT     libevent          libevent-dev)
  yh_require(LIBEVENT_SSL libevent_openssl  libevent-dev)
  yh_require(LIBEVENT_PTH libevent_pthreads libevent-dev)
endif()
# The store on PostgreSQL (docs/centre.md, "Storage").
if(NOT TARGET PkgConfig::LIBPQ)
  yh_require(LIBPQ libpq libpq-dev)
endif()
