// Soak (label 'slow', not in the default CI set: ctest -L slow): 1e5 steps
// of a small 1-D Kalman-Wasserstein run; mass, resident memory and the
// time per step must stay flat.
#include <kwfp/app/parameters.h>
#include <kwfp/fokker_planck/solver.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace kwfp;

namespace
{
  /// Resident set size of this process in kB (/proc/self/status VmRSS).
  long
  resident_kilobytes()
  {
    std::ifstream status("/proc/self/status");
    std::string   line;
    while (std::getline(status, line))
      if (line.rfind("VmRSS:", 0) == 0)
        return std::stol(line.substr(6));
    return -1;
  }
} // namespace

namespace
{
  // At every output time: the seconds since the last one and the resident
  // memory.
  class Stopwatch : public Postprocessor<1>
  {
  public:
    Stopwatch(std::vector<double>                   &seconds,
              std::vector<double>                   &kilobytes,
              std::chrono::steady_clock::time_point &last)
      : seconds(seconds)
      , kilobytes(kilobytes)
      , last(last)
    {}
    std::string
    name() const override
    {
      return "stopwatch";
    }
    void
    execute(FieldObservation<1> &) override
    {
      const auto now = std::chrono::steady_clock::now();
      seconds.push_back(std::chrono::duration<double>(now - last).count());
      kilobytes.push_back(resident_kilobytes());
      last = now;
    }

  private:
    std::vector<double>                   &seconds;
    std::vector<double>                   &kilobytes;
    std::chrono::steady_clock::time_point &last;
  };
} // namespace


TEST(Soak, HundredThousandStepsStayFlat)
{
  char directory[] = "/tmp/kwfp_soak_XXXXXX";
  ASSERT_NE(mkdtemp(directory), nullptr);
  const unsigned int n_steps = 100000, interval = 10000;
  std::ostringstream text;
  text << "set Dimension = 1\n"
       << "subsection Potential\n subsection Quadratic\n"
       << "  set Minimizer u_0 = 2\n  set Covariance B = 0.5\n end\nend\n"
       << "subsection Initial density\n set Mean m_0 = -1\n"
       << " set Covariance C_0 = 2\nend\n"
       << "subsection Mesh\n set Lower corner = -10\n set Upper corner = 10\n"
       << " set Global refinements = 6\n set Finite element degree = 1\nend\n"
       << "subsection Time stepping\n set Final time = " << n_steps * 1e-3
       << "\n set Time step = 1e-3\nend\n"
       << "subsection Output\n set Directory = " << directory
       << "\n set Interval = " << interval << "\nend\n";
  dealii::ParameterHandler prm;
  Parameters::declare(prm);
  Parameters parameters;
  parameters.read_from_string(prm, text.str());

  std::vector<double>   seconds, kilobytes;
  auto                  last = std::chrono::steady_clock::now();
  std::ostringstream    console;
  FokkerPlanckSolver<1> solver(fokker_planck_parameters(parameters),
                               text.str(),
                               MPI_COMM_WORLD,
                               console);
  // as the kwfp application: every row in diagnostics.csv, not in memory
  solver.keep_full_history(false);
  solver.postprocessors().add(
    std::make_unique<Stopwatch>(seconds, kilobytes, last));
  const RunSummary s = solver.run();
  // Mass: each step conserves it to round-off (about 1e-15); every row of
  // diagnostics.csv (column 4).
  std::ifstream csv(std::string(directory) + "/diagnostics.csv");
  std::string   line;
  std::getline(csv, line);
  unsigned int rows = 0;
  while (std::getline(csv, line))
    {
      std::istringstream fields(line);
      std::string        field;
      for (int k = 0; k < 4; ++k)
        std::getline(fields, field, ',');
      ASSERT_NEAR(std::stod(field), 1., 1e-10) << "row " << rows;
      ++rows;
    }
  std::filesystem::remove_all(directory);

  ASSERT_EQ(s.n_steps, n_steps);
  ASSERT_EQ(rows, n_steps + 1);
  ASSERT_EQ(s.history.size(), 1u);
  ASSERT_EQ(s.kl_samples.size(), n_steps + 1);
  ASSERT_EQ(seconds.size(), n_steps / interval + 1); // step 0 included
  // Memory: the only thing that grows is RunSummary::kl_samples (48 bytes
  // a step, for kl_decay.csv at the end; std::vector doubles its capacity,
  // so up to 96 bytes a step between two reallocations). A leaked vector
  // of the 65 unknowns per step would add 0.5 kB or more; the former
  // history of whole rows added 1.1 kB.
  std::cout << "interval  seconds  resident kB" << std::endl;
  for (std::size_t k = 1; k < seconds.size(); ++k)
    std::cout << k * interval << "  " << seconds[k] << "  " << kilobytes[k]
              << std::endl;
  const double per_step =
    1024. * (kilobytes.back() - kilobytes[1]) / (n_steps - interval);
  std::cout << "growth " << per_step << " bytes per step" << std::endl;
  EXPECT_LT(per_step, 128.);
  // Time per step: the median interval of the second half no slower than
  // twice that of the first (single intervals vary by up to 2x on this
  // kind of shared machine; a leak or a growing list would show as a
  // trend).
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const std::size_t   half = seconds.size() / 2;
  std::vector<double> first(seconds.begin() + 1, seconds.begin() + half + 1);
  std::vector<double> second(seconds.begin() + half + 1, seconds.end());
  std::cout << "median seconds per interval: first half " << median(first)
            << ", second half " << median(second) << std::endl;
  EXPECT_LT(median(second), 2 * median(first));
}
