# Project-wide settings applied to every target we own.
#
# provstation_target(<target>) turns on the strict Qt string handling of STYLE.md and the
# warning set; PROVSTATION_WERROR (the ci preset) makes warnings fatal.
function(provstation_target target)
  get_target_property(_type ${target} TYPE)
  set(_scope PRIVATE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    set(_scope INTERFACE)
  endif()
  target_compile_definitions(${target} ${_scope}
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING QT_NO_FOREACH QT_NO_KEYWORDS
    QT_USE_QSTRINGBUILDER QT_STRICT_ITERATORS
    PROVSTATION_VERSION="${PROJECT_VERSION}")
  if(NOT _type STREQUAL "INTERFACE_LIBRARY")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
      -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual -Wno-missing-field-initializers)
    if(PROVSTATION_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# provstation_gtest(<name> SOURCES ... LIBS ... [GUI] [LABEL <label>] [TIMEOUT <s>]) builds one
# gtest executable that links the project's own gtest main (which creates the Q(Core|)Application
# first, and picks the offscreen platform for widget tests) and registers its tests with ctest one
# by one. gtest_discover_tests() splits list-valued PROPERTIES in CMake 3.25, so every property
# here holds exactly one value: one LABEL per executable (`ctest -L <label>`).
function(provstation_gtest name)
  cmake_parse_arguments(T "GUI" "TIMEOUT;LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  provstation_target(${name})
  if(T_GUI)
    target_link_libraries(${name} PRIVATE provstation_test_main_gui)
  else()
    target_link_libraries(${name} PRIVATE provstation_test_main)
  endif()
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS ${T_LABEL})
endfunction()
