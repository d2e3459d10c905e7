#include "run_helpers.h"

#include <kwfp/app/application.h>
#include <kwfp/app/parameters.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kwfp::testing
{
  RunSummary
  run_parameters(const std::string &text, std::string *console_text)
  {
    char directory[] = "/tmp/kwfp_test_XXXXXX";
    if (mkdtemp(directory) == nullptr)
      throw std::runtime_error("cannot create a temporary directory");
    const std::string full = text + "\nsubsection Output\n  set Directory = " +
                             std::string(directory) +
                             "\n  set Interval = 0\nend\n";
    dealii::ParameterHandler prm;
    Parameters::declare(prm);
    Parameters parameters;
    parameters.read_from_string(prm, full);
    std::ostringstream console;
    RunSummary         summary;
    switch (parameters.dimension)
      {
        case 1:
          summary = FokkerPlanckSolver<1>(fokker_planck_parameters(parameters),
                                          full,
                                          MPI_COMM_WORLD,
                                          console)
                      .run();
          break;
        case 2:
          summary = FokkerPlanckSolver<2>(fokker_planck_parameters(parameters),
                                          full,
                                          MPI_COMM_WORLD,
                                          console)
                      .run();
          break;
        default:
          summary = FokkerPlanckSolver<3>(fokker_planck_parameters(parameters),
                                          full,
                                          MPI_COMM_WORLD,
                                          console)
                      .run();
      }
    std::filesystem::remove_all(directory);
    if (console_text)
      *console_text = console.str();
    return summary;
  }


  ParticleResult
  run_particle_parameters(const std::string &text)
  {
    char directory[] = "/tmp/kwfp_test_XXXXXX";
    if (mkdtemp(directory) == nullptr)
      throw std::runtime_error("cannot create a temporary directory");
    const std::string full =
      "set Solver = particles\n" + text +
      "\nsubsection Output\n  set Directory = " + std::string(directory) +
      "\nend\nsubsection Particles\n  set Output interval = 0\nend\n";
    dealii::ParameterHandler prm;
    Parameters::declare(prm);
    Parameters parameters;
    parameters.read_from_string(prm, full);
    std::ostringstream console;
    ParticleSolver     solver(particle_solver_parameters(parameters),
                          full,
                          MPI_COMM_WORLD,
                          console);
    ParticleResult     result;
    result.summary        = solver.run();
    result.final_ensemble = solver.ensemble().gather();
    std::filesystem::remove_all(directory);
    return result;
  }


  std::map<std::string, std::vector<double>>
  read_csv(const std::string &filename)
  {
    std::ifstream file(filename);
    if (!file)
      throw std::runtime_error("cannot read " + filename);
    std::string              line, item;
    std::vector<std::string> names;
    std::getline(file, line);
    std::stringstream header(line);
    while (std::getline(header, item, ','))
      names.push_back(item);
    std::map<std::string, std::vector<double>> columns;
    while (std::getline(file, line))
      {
        std::stringstream row(line);
        for (const std::string &name : names)
          {
            std::getline(row, item, ',');
            columns[name].push_back(std::stod(item));
          }
      }
    return columns;
  }


  std::string
  run_kwfp(const std::string &text)
  {
    char directory[] = "/tmp/kwfp_test_XXXXXX";
    if (mkdtemp(directory) == nullptr)
      throw std::runtime_error("cannot create a temporary directory");
    const std::string name = std::string(directory) + "/run.prm";
    {
      std::ofstream file(name);
      file << text << "\nsubsection Output\n  set Directory = " << directory
           << "/out\nend\n";
    }
    std::ostringstream out, err;
    const int          code = run_application({name}, MPI_COMM_WORLD, out, err);
    if (code != 0)
      throw std::runtime_error("kwfp failed (" + std::to_string(code) +
                               "): " + err.str());
    return directory;
  }


  std::string
  g2_parameters(const unsigned int cells,
                const unsigned int degree,
                const double       dt,
                const std::string &scheme,
                const std::string &extra)
  {
    std::ostringstream s;
    s.precision(17);
    s << "set Dimension = 2\n"
      << "subsection Potential\n  set Type = quadratic\n"
      << "  subsection Quadratic\n    set Minimizer u_0 = 1, -0.5\n"
      << "    set Covariance B = 0.5, 0.2; 0.2, 0.8\n  end\nend\n"
      << "subsection Initial density\n  set Type = Gaussian\n"
      << "  set Mean m_0 = -1.5, 1.5\n"
      << "  set Covariance C_0 = 1.0, -0.3; -0.3, 0.6\nend\n"
      << "subsection Mesh\n  set Lower corner = -8, -8\n"
      << "  set Upper corner = 8, 8\n  set Subdivisions = " << cells << "\n"
      << "  set Global refinements = 0\n"
      << "  set Finite element degree = " << degree << "\nend\n"
      << "subsection Time stepping\n  set Final time = 2\n"
      << "  set Time step = " << dt << "\n  set Scheme = " << scheme
      << "\nend\n"
      << extra;
    return s.str();
  }

  std::string
  gaussian_1d_parameters(const unsigned int refinements,
                         const double       dt,
                         const std::string &extra)
  {
    std::ostringstream s;
    s.precision(17);
    s << "set Dimension = 1\n"
      << "subsection Potential\n subsection Quadratic\n"
      << "  set Minimizer u_0 = 2\n  set Covariance B = 0.5\n end\nend\n"
      << "subsection Initial density\n set Mean m_0 = -1\n"
      << " set Covariance C_0 = 2\nend\n"
      << "subsection Mesh\n set Lower corner = -10\n set Upper corner = 10\n"
      << " set Global refinements = " << refinements << "\nend\n"
      << "subsection Time stepping\n set Final time = 3\n"
      << " set Time step = " << dt << "\nend\n"
      << extra;
    return s.str();
  }


  std::map<std::string, std::vector<double>>
  read_posterior_table(const std::string &file, std::vector<std::string> &order)
  {
    std::ifstream                              in(file);
    std::string                                line;
    std::map<std::string, std::vector<double>> table;
    std::getline(in, line); // header
    while (std::getline(in, line))
      {
        const std::string  numbers = line.substr(0, line.find(",\""));
        std::istringstream s(numbers);
        std::string        item, method;
        std::getline(s, method, ',');
        std::vector<double> values;
        while (std::getline(s, item, ','))
          values.push_back(std::stod(item));
        order.push_back(method);
        table[method] = values;
      }
    return table;
  }

} // namespace kwfp::testing
