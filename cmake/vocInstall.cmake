include(CMakePackageConfigHelpers)
install(TARGETS voc voc_deps_re2 voc_deps_fasttext voc_deps_liblinear EXPORT vocTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/voc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT vocTargets NAMESPACE voc:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/voc)
export(EXPORT vocTargets NAMESPACE voc:: FILE ${PROJECT_BINARY_DIR}/vocTargets.cmake)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/vocConfig.cmake.in
  ${PROJECT_BINARY_DIR}/vocConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/voc)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vocConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/vocConfig.cmake ${PROJECT_BINARY_DIR}/vocConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/voc)
if(BUILD_SHARED_LIBS)
  set(VOC_PC_PRIVATE "")
  set(VOC_PC_LIBS_PRIVATE "")
else()
  set(VOC_PC_PRIVATE "re2 fasttext icu-i18n icu-uc zlib")
  set(VOC_PC_LIBS_PRIVATE "-llinear -pthread")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/voc.pc.in ${PROJECT_BINARY_DIR}/voc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/voc.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/voc/models)
