#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/shared_libraries.h>
#include <kwfp/fokker_planck/diffusion_parameters.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/utilities.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace kwfp
{
  using namespace dealii;

  void
  Parameters::declare(ParameterHandler &prm)
  {
    prm.declare_entry("Dimension",
                      "2",
                      Patterns::Integer(),
                      "Dimension d of the unknown u (1, 2 or 3 for the "
                      "finite-element solver; any d for the particles).");
    prm.declare_entry(
      "Solver",
      "finite element",
      Patterns::MultipleSelection("finite element|particles|both|Gaussian"),
      "The solvers that run, from the same initial density, as a "
      "comma-separated list: 'finite element': the Fokker-Planck equation "
      "(4.1) on a mesh (d <= 3). 'particles': the interacting particle "
      "system of 'Particles/Method' (any d). 'both': the two. 'Gaussian': "
      "the Gaussian closure dm/dt = -C E[grad Phi_R], dC/dt = 2C - 2C "
      "E[Hess Phi_R] C (any d; subsection 'Gaussian closure'); with the "
      "finite elements it is compared with their density at every output "
      "time (closure_comparison.csv). E.g. 'finite element, Gaussian'.");

    prm.declare_entry(
      "Additional shared libraries",
      "",
      Patterns::List(Patterns::FileName()),
      "Plugin libraries to load before the rest of the file is read, "
      "separated by ',': each registers forward models "
      "(KWFP_REGISTER_FORWARD_MODEL) that 'Potential/Inverse problem/"
      "Forward model' can then name, or postprocessors "
      "(KWFP_REGISTER_POSTPROCESSOR) for 'Output/Postprocessors'. Build one out of tree against the "
      "installed kwfp (find_package(kwfp), kwfp_add_plugin(); see "
      "examples/plugin/ and doc/external_forward_model.md). A name with a "
      "'/' is a path, relative ones from the working directory; one "
      "without is searched as dlopen() does (LD_LIBRARY_PATH).");

    prm.enter_subsection("Fokker-Planck equation");
    DiffusionParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Potential");
    PotentialParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Initial density");
    InitialDensityParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Particles");
    ParticleParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Comparison");
    ComparisonParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Mesh");
    MeshParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Time stepping");
    TimeSteppingParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Linear solver");
    LinearSolverParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Metropolis");
    MetropolisParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Gaussian closure");
    GaussianClosureParameters::declare_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Output");
    OutputParameters::declare_parameters(prm);
    prm.leave_subsection();
  }


  void
  Parameters::parse(ParameterHandler &prm)
  {
    // first: the plugins' forward models are checked by name below
    additional_shared_libraries =
      Utilities::split_string_list(prm.get("Additional shared libraries"), ',');
    load_shared_libraries(additional_shared_libraries);
    parse_solvers(prm);
    prm.enter_subsection("Particles");
    particles.parse_additional_methods(prm);
    prm.leave_subsection();
    const bool any_particles =
      run_particles || !particles.additional_methods.empty();
    parse_dimension(prm);

    if (run_finite_element)
      {
        prm.enter_subsection("Fokker-Planck equation");
        DiffusionParameters diffusion;
        diffusion.parse_parameters(prm, dimension);
        diffusion_matrix       = diffusion.diffusion_matrix;
        fixed_diffusion_matrix = diffusion.fixed_diffusion_matrix;
        prm.leave_subsection();
      }

    prm.enter_subsection("Potential");
    potential.parse_parameters(prm, dimension);
    prm.leave_subsection();

    prm.enter_subsection("Initial density");
    initial_density.parse_parameters(prm,
                                     dimension,
                                     run_finite_element,
                                     any_particles);
    prm.leave_subsection();

    if (run_gaussian_closure)
      {
        prm.enter_subsection("Gaussian closure");
        gaussian_closure.parse_parameters(prm, dimension);
        prm.leave_subsection();
      }

    prm.enter_subsection("Particles");
    particles.parse_parameters(prm, dimension);
    prm.leave_subsection();
    check_particle_methods();

    prm.enter_subsection("Comparison");
    comparison.parse_parameters(prm);
    prm.leave_subsection();

    if (run_finite_element && run_particles && particles.n_steps > 0)
      throw InputError("Particles/Number of steps",
                       "with 'Solver = both' the particles run with the "
                       "finite-element solver to 'Time stepping/Final time'; "
                       "set it to 0");
    parse_discretization_and_output(prm);
  }


  void
  Parameters::parse_solvers(const ParameterHandler &prm)
  {
    run_finite_element     = false;
    run_particles          = false;
    run_gaussian_closure   = false;
    const std::string list = prm.get("Solver");
    bool              any  = false;
    for (std::string item : Utilities::split_string_list(list, ','))
      {
        any = true;
        if (item == "finite element" || item == "both")
          run_finite_element = true;
        if (item == "particles" || item == "both")
          run_particles = true;
        if (item == "Gaussian")
          run_gaussian_closure = true;
      }
    if (!any)
      throw InputError("Solver",
                       "names no solver; list one or more of 'finite "
                       "element', 'particles', 'both', 'Gaussian'");
  }


  void
  Parameters::parse_dimension(const ParameterHandler &prm)
  {
    const long d_read = prm.get_integer("Dimension");
    if (d_read < 1 || d_read > 10000)
      throw InputError("Dimension",
                       "must be between 1 and 10000, got " +
                         std::to_string(d_read));
    if (run_finite_element && d_read > 3)
      throw InputError("Dimension",
                       "the finite-element solver needs d = 1, 2 or 3, got " +
                         std::to_string(d_read) +
                         "; set 'Solver = particles' or 'Gaussian' for d > 3");
    dimension = d_read;
  }


  void
  Parameters::check_particle_methods() const
  {
    std::vector<std::pair<ParticleMethod, std::string>> checked;
    if (run_particles)
      checked.emplace_back(particles.settings.method, "Particles/Method");
    for (const ParticleMethod m : particles.additional_methods)
      checked.emplace_back(m, "Particles/Also run methods");
    for (const auto &[method, name] : checked)
      {
        const bool forward = uses_forward_model(method);
        if (forward && potential.type != PotentialType::inverse_problem)
          throw InputError(name,
                           "'" + to_string(method) +
                             "' evaluates the forward map G: it needs "
                             "'Potential/Type = inverse problem', not '" +
                             potential_selection().name(potential.type) + "'");
        if (particles.adaptive_time_step && !forward)
          throw InputError("Particles/Adaptive time step",
                           "needs methods with a forward map (eks, eki, "
                           "eki-opt, herty-visconti): the step is "
                           "dt_0 / (||D||_F + delta); '" +
                             to_string(method) + "' has none");
      }
  }


  void
  Parameters::parse_discretization_and_output(ParameterHandler &prm)
  {
    if (run_finite_element)
      {
        prm.enter_subsection("Mesh");
        mesh.parse_parameters(prm, dimension);
        prm.leave_subsection();
      }
    if (run_finite_element && run_particles && mesh.moving_box)
      throw InputError("Mesh/Moving box",
                       "cannot be used with 'Solver = both': the comparison "
                       "bins the particles on the fixed box; run the particles "
                       "with 'Particles/Also run methods' instead");

    prm.enter_subsection("Time stepping");
    time_stepping.parse_parameters(
      prm, "Time stepping/", [this](const unsigned int bdf_order) {
        if (mesh.low_order_scheme && bdf_order != 1)
          throw InputError("Mesh/Stabilization",
                           "'low-order' is first order in time and needs "
                           "'Time stepping/Scheme = BDF1'");
      });
    prm.leave_subsection();

    prm.enter_subsection("Linear solver");
    linear_solver.parse_parameters(prm);
    prm.leave_subsection();

    prm.enter_subsection("Metropolis");
    metropolis.parse_parameters(prm,
                                dimension,
                                initial_density.type ==
                                    InitialDensityType::gaussian ||
                                  initial_density.type ==
                                    InitialDensityType::product);
    prm.leave_subsection();

    prm.enter_subsection("Output");
    output.parse_parameters(prm);
    prm.leave_subsection();
  }


  FokkerPlanckParameters
  fokker_planck_parameters(const Parameters &p)
  {
    return p;
  }


  ParticleSolverParameters
  particle_solver_parameters(const Parameters &p)
  {
    // 'On forward failure = drop' drops a particle where an external G is
    // not finite as it does for the other forward models
    PotentialParameters potential         = p.potential;
    potential.external_non_finite_allowed = p.particles.drop_failed;
    return {p.dimension,
            potential,
            p.initial_density,
            p.particles,
            p.time_stepping.final_time,
            p.output};
  }


  GaussianClosureSolverParameters
  gaussian_closure_solver_parameters(const Parameters &p)
  {
    return {p.dimension,
            p.potential,
            p.initial_density,
            p.gaussian_closure,
            p.time_stepping.final_time,
            p.output};
  }


  MetropolisRunParameters
  metropolis_run_parameters(const Parameters &p)
  {
    return {
      p.dimension, p.metropolis, p.potential, p.initial_density, p.output};
  }


  namespace
  {
    std::string
    deal_ii_message(const dealii::ExceptionBase &e)
    {
      std::ostringstream info;
      e.print_info(info);
      std::string s = info.str();
      while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
      while (!s.empty() && (s.front() == '\n' || s.front() == ' '))
        s.erase(0, 1);
      return s;
    }


    /**
     * The parameter named on line @p line_number (counted from 1) of a
     * parameter file, as "Subsection/.../Name", found by following the
     * "subsection" and "end" lines before it. Empty when that line is not a
     * "set" line.
     */
    std::string
    parameter_on_line(const std::string &filename,
                      const unsigned int line_number)
    {
      std::ifstream            file(filename);
      std::vector<std::string> path;
      std::string              line;
      for (unsigned int n = 1; std::getline(file, line); ++n)
        {
          const auto comment = line.find('#');
          if (comment != std::string::npos)
            line.erase(comment);
          std::istringstream words(line);
          std::string        keyword;
          words >> keyword;
          std::string rest;
          std::getline(words, rest);
          const auto first = rest.find_first_not_of(" \t");
          rest = first == std::string::npos ? "" : rest.substr(first);
          if (n == line_number)
            {
              if (keyword != "set")
                return "";
              const auto  equals = rest.find('=');
              std::string name   = rest.substr(0, equals);
              while (!name.empty() &&
                     (name.back() == ' ' || name.back() == '\t'))
                name.pop_back();
              std::string full;
              for (const auto &section : path)
                full += section + "/";
              return full + name;
            }
          if (keyword == "subsection")
            {
              while (!rest.empty() &&
                     (rest.back() == ' ' || rest.back() == '\t'))
                rest.pop_back();
              path.push_back(rest);
            }
          else if (keyword == "end" && !path.empty())
            path.pop_back();
        }
      return "";
    }


    /** The line number in a deal.II "Line <N> of file" message, or 0. */
    unsigned int
    line_in_message(const std::string &message)
    {
      const auto start = message.find("Line <");
      if (start == std::string::npos)
        return 0;
      return static_cast<unsigned int>(
        std::strtoul(message.c_str() + start + 6, nullptr, 10));
    }
  } // namespace


  void
  Parameters::read(ParameterHandler &prm, const std::string &filename)
  {
    {
      std::ifstream file(filename);
      if (!file)
        throw InputError("(parameter file)",
                         "cannot open '" + filename + "' for reading");
    }
    try
      {
        prm.parse_input(filename, "", false, false);
      }
    catch (const dealii::ExceptionBase &e)
      {
        const std::string message = deal_ii_message(e);
        const std::string name =
          parameter_on_line(filename, line_in_message(message));
        throw InputError(name.empty() ? "(parameter file)" : name,
                         "cannot read '" + filename + "': " + message);
      }
    parse(prm);
  }


  void
  Parameters::read_from_string(ParameterHandler &prm, const std::string &text)
  {
    try
      {
        prm.parse_input_from_string(text, "", false);
      }
    catch (const dealii::ExceptionBase &e)
      {
        throw InputError("(parameter file)", deal_ii_message(e));
      }
    parse(prm);
  }
} // namespace kwfp
