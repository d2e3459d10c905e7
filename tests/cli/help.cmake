# kwfp --help and --print-parameters succeed; the printed parameters are a
# valid parameter file that reproduces the defaults; no argument is a usage
# error (exit 1).
execute_process(COMMAND ${KWFP} --help RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "Usage: kwfp")
  message(FATAL_ERROR "--help failed: ${rc}\n${out}")
endif()
execute_process(COMMAND ${KWFP} --print-parameters RESULT_VARIABLE rc
  OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "Diffusion matrix")
  message(FATAL_ERROR "--print-parameters failed: ${rc}")
endif()
execute_process(COMMAND ${KWFP} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "kwfp without arguments should exit 1, got ${rc}")
endif()
execute_process(COMMAND ${KWFP} --resume RESULT_VARIABLE rc OUTPUT_QUIET
  ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "--resume needs the output directory")
  message(FATAL_ERROR "--resume without a directory: exit ${rc}, '${err}'")
endif()
execute_process(COMMAND ${KWFP} --bogus RESULT_VARIABLE rc OUTPUT_QUIET
  ERROR_QUIET)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "kwfp --bogus should exit 1, got ${rc}")
endif()
# The printed defaults, made short, run as a parameter file.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/defaults.prm "${out}
subsection Mesh
  set Global refinements = 3
end
subsection Time stepping
  set Final time = 0.05
end
subsection Output
  set Directory = ${WORK}/out
  set Interval = 1
end
")
execute_process(COMMAND ${KWFP} ${WORK}/defaults.prm RESULT_VARIABLE rc
  OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the printed parameters do not run: ${rc}\n${out}\n${err}")
endif()
foreach(f diagnostics.csv parameters.prm solution.pvd solution-00005.pvtu
          solution-00005.0000.vtu)
  if(NOT EXISTS ${WORK}/out/${f})
    message(FATAL_ERROR "missing output ${f}")
  endif()
endforeach()
file(READ ${WORK}/out/solution.pvd pvd)
foreach(field 00000 00005)
  if(NOT pvd MATCHES "solution-${field}.pvtu")
    message(FATAL_ERROR "solution.pvd does not list solution-${field}.pvtu")
  endif()
endforeach()
file(READ ${WORK}/out/solution-00005.0000.vtu vtu)
foreach(field density log10_density stationary_density exact_density error
              subdomain)
  if(NOT vtu MATCHES "Name=\"${field}\"")
    message(FATAL_ERROR "the .vtu has no field ${field}")
  endif()
endforeach()
file(STRINGS ${WORK}/out/diagnostics.csv header LIMIT_COUNT 1)
if(NOT header STREQUAL "step,time,dt,mass,min_density,mean_1,mean_2,cov_1_1,cov_1_2,cov_2_2,kl,kalman_fisher,l1_stationary,l1_error,l2_error,mean_error,cov_error,kl_exact,exact_mean_1,exact_mean_2,exact_cov_1_1,exact_cov_1_2,exact_cov_2_2")
  message(FATAL_ERROR "unexpected diagnostics.csv header: ${header}")
endif()
