# Run PRM on 1 and on 2 MPI ranks and compare diagnostics.csv.
# The preconditioner depends on the partition, so the runs differ by about
# the linear solver's tolerance: at 1e-12 (g2_small.prm) they agree to
# 2e-14 relative and are compared to RELATIVE_TOLERANCE (default 1e-9),
# with ABSOLUTE_TOLERANCE (default 1e-14) for entries that are zero up to
# round-off, such as min_density.
if(NOT ABSOLUTE_TOLERANCE)
  set(ABSOLUTE_TOLERANCE 1e-14)
endif()
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
          ${RELATIVE_TOLERANCE} ${ABSOLUTE_TOLERANCE}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "1 and 2 ranks differ")
endif()
