# Dependencies of netsync and the centre beyond cmake/deps.cmake. Included by both
# netsync/ and centre/; the guard keeps the second inclusion a no-op.
if(NOT TARGET PkgConfig::JANSSON)
  yh_require(JANSSON jansson libjansson-dev)
endif()
if(NOT TARGET PkgConfig::ZLIB)
  yh_require(ZLIB zlib zlib1g-dev)
endif()
