# Run PRM on 1 and on 2 MPI ranks and compare diagnostics.csv.
# The linear solves stop at a relative residual of 1e-12 and the
# preconditioner depends on the partition, so the two runs agree to about
# 1e-11 relative; 1e-9 relative (with 1e-14 absolute for entries that are
# zero up to round-off, such as min_density) is the issue's tolerance.
if(NOT RELATIVE_TOLERANCE)
  set(RELATIVE_TOLERANCE 1e-9)
endif()
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(n 1 2)
  file(READ ${PRM} text)
  file(WRITE ${WORK}/run${n}.prm
    "${text}\nsubsection Output\n  set Directory = ${WORK}/out${n}\nend\n")
  execute_process(
    COMMAND ${MPIRUN} --oversubscribe -np ${n} ${KWFP} ${WORK}/run${n}.prm
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kwfp on ${n} rank(s) failed (${rc}):\n${out}\n${err}")
  endif()
endforeach()
file(GLOB pieces ${WORK}/out2/solution-00000.*.vtu)
list(LENGTH pieces n_pieces)
if(NOT n_pieces EQUAL 2)
  message(FATAL_ERROR "expected one .vtu per rank, found ${n_pieces}")
endif()
execute_process(
  COMMAND ${COMPARE} ${WORK}/out1/diagnostics.csv ${WORK}/out2/diagnostics.csv
          ${RELATIVE_TOLERANCE} 1e-14
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "1 and 2 ranks differ")
endif()
