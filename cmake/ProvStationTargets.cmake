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

# provstation_gtest(<name> SOURCES ... LIBS ... [GUI]) builds one gtest executable that links
# the project's own gtest main (which creates the Q(Core|)Application first) and registers its
# tests with ctest one by one.
function(provstation_gtest name)
  cmake_parse_arguments(T "GUI" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
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
  # A list inside PROPERTIES must keep its semicolons escaped, or only the first label survives;
  # an empty value would shift the key/value pairs, so LABELS is only given when there are some.
  set(_props TIMEOUT ${T_TIMEOUT}
             ENVIRONMENT "QT_QPA_PLATFORM=offscreen\\;PROVSTATION_TEST=1")
  if(T_LABELS)
    string(REPLACE ";" "\\;" _labels "${T_LABELS}")
    list(APPEND _props LABELS "${_labels}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${_props})
endfunction()
