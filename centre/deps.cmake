# The centre's extra dependencies (the shared ones come from cmake/deps.cmake).
yh_require(LIBEVENT     libevent         libevent-dev)
yh_require(LIBEVENT_SSL libevent_openssl libevent-dev)
yh_require(LIBEVENT_PTH libevent_pthreads libevent-dev)
yh_require(JANSSON      jansson          libjansson-dev)
yh_require(ZLIB         zlib             zlib1g-dev)
