# The particle module from the command line: its output files, the warning
# for J <= d + 1, and a forward map that is not finite at some particles
# (stop: exit code 3 naming the particle; drop: the run goes on).
set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run_kwfp name text expected_rc)
  file(WRITE ${WORK}/${name}.prm
    "${text}\nsubsection Output\n  set Directory = ${WORK}/${name}\nend\n")
  execute_process(COMMAND ${KWFP} ${WORK}/${name}.prm
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL ${expected_rc})
    message(FATAL_ERROR "${name}: exit code ${rc}, expected ${expected_rc}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# 1. Output files of a small run (product initial density, eki)
run_kwfp(files "
set Solver = particles
subsection Potential
  set Type = inverse problem
end
subsection Initial density
  set Type = product
  set Coordinate distributions = normal(0, 1); uniform(-1, 2)
end
subsection Particles
  set Method = eki
  set Ensemble size = 300
  set Number of steps = 20
  set Output interval = 10
end" 0)
foreach(f particles.csv particles.pvd particles-00000.pvtu
          particles-00000.0000.vtu particles-00002.pvtu ensemble_final.csv
          parameters.prm)
  if(NOT EXISTS ${WORK}/files/${f})
    message(FATAL_ERROR "files: ${f} was not written")
  endif()
endforeach()
file(STRINGS ${WORK}/files/particles.csv rows)
list(GET rows 0 header)
if(NOT header STREQUAL "step,time,dt,n_particles,mean_1,mean_2,cov_1_1,cov_1_2,cov_2_2,phi_r_at_mean,mean_phi_r,misfit_at_mean,mean_misfit,d_norm")
  message(FATAL_ERROR "particles.csv header: ${header}")
endif()
list(LENGTH rows n_rows)
if(NOT n_rows EQUAL 22)
  message(FATAL_ERROR "particles.csv has ${n_rows} lines, expected 22")
endif()
file(STRINGS ${WORK}/files/ensemble_final.csv lines)
list(LENGTH lines n_lines)
if(NOT n_lines EQUAL 301)
  message(FATAL_ERROR "ensemble_final.csv has ${n_lines} lines, expected 301")
endif()
file(READ ${WORK}/files/particles.pvd pvd)
if(NOT pvd MATCHES "particles-00002.pvtu")
  message(FATAL_ERROR "particles.pvd does not list the last output:\n${pvd}")
endif()
file(GLOB leftovers ${WORK}/files/*.tmp)
if(leftovers)
  message(FATAL_ERROR "temporary files left: ${leftovers}")
endif()

# 2. J <= d + 1 is allowed but reported
run_kwfp(small_ensemble "
set Solver = particles
subsection Particles
  set Ensemble size = 3
  set Number of steps = 5
  set Output interval = 0
end" 0)
if(NOT out MATCHES "warning: J = 3 <= d \\+ 1 = 3")
  message(FATAL_ERROR "small_ensemble: no warning about J <= d + 1:\n${out}")
endif()

# 3. A forward map that is NaN for u_1 < -2 (about 2 % of N(0,1)):
#    'stop' ends the run with exit code 3 and names the particle.
set(nan_problem "
set Solver = particles
subsection Potential
  set Type = inverse problem
  subsection Inverse problem
    set Forward model = expression
    set Forward map = sqrt(x + 2); y; x + y
  end
end
subsection Initial density
  set Type = product
  set Coordinate distributions = normal(0, 1)
end
subsection Particles
  set Method = eks
  set Ensemble size = 1000
  set Number of steps = 10
  set Output interval = 0
")
run_kwfp(nan_stop "${nan_problem}end" 3)
if(NOT err MATCHES "kwfp: error: the forward map G is not finite at particle [0-9]+ = \\(-2\\.[0-9]+, .*\\) at step 0")
  message(FATAL_ERROR "nan_stop: message does not name the particle:\n${err}")
endif()
message(STATUS "nan_stop: ${err}")

# 4. 'drop' removes the failed particles and goes on
run_kwfp(nan_drop "${nan_problem}  set On forward failure = drop\nend" 0)
if(NOT out MATCHES "dropped them")
  message(FATAL_ERROR "nan_drop: no report of dropped particles:\n${out}")
endif()
file(STRINGS ${WORK}/nan_drop/ensemble_final.csv lines)
list(LENGTH lines n_lines)
if(NOT n_lines LESS 1001 OR n_lines LESS 900)
  message(FATAL_ERROR "nan_drop: ${n_lines} lines in ensemble_final.csv")
endif()
message(STATUS "nan_drop: ${n_lines} lines in ensemble_final.csv")

# 5. The shipped particle examples run (shortened: T = 0.1, a coarse mesh)
foreach(example eks_linear_inverse_problem_2d eks_gaussian_10d eks_nonlinear_2d)
  file(READ ${EXAMPLES}/${example}.prm text)
  run_kwfp(example_${example} "${text}
subsection Time stepping
  set Final time = 0.1
end
subsection Mesh
  set Global refinements = 3
end
subsection Particles
  set Ensemble size = 500
end" 0)
  if(NOT EXISTS ${WORK}/example_${example}/ensemble_final.csv)
    message(FATAL_ERROR "${example}: no ensemble_final.csv")
  endif()
endforeach()

# 5. A user forward model (source/forward_model/user/exponential_decay.cc),
# registered in its own file, runs by name; data from u = (2, 0.5).
run_kwfp(user_model "
set Solver = particles
subsection Potential
  set Type = inverse problem
  subsection Inverse problem
    set Forward model = exponential-decay
    set Observation points = 0.5, 1, 2, 4
    set Data y = 1.5576, 1.2131, 0.7358, 0.2707
    set Noise covariance Gamma = 1e-4, 0, 0, 0; 0, 1e-4, 0, 0; 0, 0, 1e-4, 0; 0, 0, 0, 1e-4
    set Prior covariance Gamma_0 = 4, 0; 0, 4
  end
end
subsection Initial density
  set Type = Gaussian
  set Mean m_0 = 1, 1
  set Covariance C_0 = 0.25, 0; 0, 0.25
end
subsection Particles
  set Method = eks
  set Ensemble size = 200
  set Time integrator = split-step
  set Adaptive time step = true
  set Time step = 0.1
  set Number of steps = 20
  set Output interval = 0
end" 0)
if(NOT out MATCHES "exponential decay u_1 exp\\(-u_2 t_k\\) at 4 times")
  message(FATAL_ERROR "user_model: the registered model was not used:\n${out}")
endif()

# A diverging run (langevin with steps of 10 on a quadratic target): exit 3
# at the first statistic that is not finite, with particles.csv ending at
# the last finite row (before: rows with inf were written first).
run_kwfp(diverging "
set Dimension = 2
set Solver = particles
subsection Particles
  set Method = langevin
  set Ensemble size = 50
  set Time step = 10
  set Number of steps = 200
end" 3)
if(NOT err MATCHES "became (inf|nan|-nan|-inf) at step")
  message(FATAL_ERROR "diverging: no message naming the statistic: ${err}")
endif()
file(READ ${WORK}/diverging/particles.csv table)
string(TOLOWER "${table}" table)
if(table MATCHES "inf|nan")
  message(FATAL_ERROR "diverging: particles.csv holds a value that is not finite")
endif()
