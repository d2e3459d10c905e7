# Run PRM on 1, 2 and 4 MPI ranks: particles.csv and ensemble_final.csv must
# be identical, byte for byte (the ensemble is cut into blocks that do not
# depend on the number of ranks, sums are added in block order, and particle
# j draws from its own random stream).
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(n 1 2 4)
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
foreach(n 2 4)
  file(GLOB pieces ${WORK}/out${n}/particles-00000.*.vtu)
  list(LENGTH pieces n_pieces)
  if(NOT n_pieces EQUAL ${n})
    message(FATAL_ERROR "expected one particle .vtu per rank, found ${n_pieces}")
  endif()
  foreach(f particles.csv ensemble_final.csv)
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
      ${WORK}/out1/${f} ${WORK}/out${n}/${f} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${f} differs between 1 and ${n} ranks")
    endif()
  endforeach()
endforeach()
file(STRINGS ${WORK}/out1/ensemble_final.csv lines)
list(LENGTH lines n_lines)
message(STATUS "identical on 1, 2 and 4 ranks; ${n_lines} lines in ensemble_final.csv")
