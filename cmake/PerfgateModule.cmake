# Small helpers so each module's CMakeLists.txt stays a few lines long.
#
#   perfgate_module(core SOURCES a.cc b.cc DEPS fmt::fmt)
#     -> static library perfgate_core, include root src/, linked against DEPS.
#   perfgate_test(core_test SOURCES a_test.cc DEPS perfgate_core [LABELS integration] [TIMEOUT s]
#                 [SERIAL])
#     -> a GoogleTest executable registered with ctest (tests discovered one by one). Tests see
#        PERFGATE_BINARY (path of the built binary) and PERFGATE_SOURCE_DIR. Labels: unit
#        (default), integration (runs the binary; builds it first), heavy (long; skipped by the
#        sanitizer targets), timing (clock-bound; skipped there too). SERIAL: each test runs
#        alone (ctest RUN_SERIAL) - for tests that measure latency or rates against a law, which
#        a parallel suite on 2 cores would disturb.

function(perfgate_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(perfgate_${name} STATIC ${M_SOURCES})
  target_include_directories(perfgate_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(perfgate_${name} PUBLIC ${M_DEPS})
endfunction()

function(perfgate_test name)
  if(NOT PERFGATE_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "SERIAL" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  # Tests may include test support from outside src/ (e.g. "fuzz/seed_corpus.h").
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE
    PERFGATE_BINARY="$<TARGET_FILE:perfgate>"
    PERFGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  gtest_discover_tests(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} DISCOVERY_TIMEOUT 30)
  # Labels (and RUN_SERIAL) are set by a script ctest includes after the discovered tests: a list
  # passed through gtest_discover_tests' PROPERTIES is split on the way, so "integration;heavy"
  # became LABELS integration plus a bogus property "heavy" - and `ctest -LE heavy` ran the heavy
  # tests.
  set(serial "")
  if(T_SERIAL)
    set(serial " RUN_SERIAL TRUE")
  endif()
  set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
  file(WRITE ${labels_file}
       "foreach(test IN LISTS ${name}_TESTS)\n"
       "  set_tests_properties(\"\${test}\" PROPERTIES LABELS \"${T_LABELS}\"${serial})\n"
       "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
  # Only integration tests run the binary; unit tests must not wait for every module to build.
  if("integration" IN_LIST T_LABELS)
    add_dependencies(${name} perfgate)
  endif()
endfunction()

#   perfgate_fuzz_replay(NAME CORPUS dir SOURCES fuzz/x_fuzz.cc DEPS perfgate_plan)
#     -> test NAME (unit) that runs the fuzz target over every file of fuzz/corpus/<dir>.
function(perfgate_fuzz_replay name)
  cmake_parse_arguments(F "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  perfgate_test(${name} SOURCES ${PROJECT_SOURCE_DIR}/fuzz/replay_test.cc ${F_SOURCES}
                DEPS ${F_DEPS})
  if(TARGET ${name})
    target_compile_definitions(${name} PRIVATE PERFGATE_FUZZ_CORPUS="${F_CORPUS}")
  endif()
endfunction()
