// The external forward model ('Forward model = external'): the protocol
// (INPUT/OUTPUT CSV files) with tiny awk commands, the batched calls, and
// every failure naming the command, the call and the row.

#include <kwfp/base/external_command.h>
#include <kwfp/forward_model/elliptic_forward_model.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/potential/batch_cached_potential.h>
#include <kwfp/potential/inverse_problem_potential.h>

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

using namespace kwfp;

namespace
{
  /// A directory that TMPDIR points to while the object lives, so that
  /// the test can see the files kwfp leaves behind (none).
  class ScratchTmp
  {
  public:
    ScratchTmp()
    {
      char name[]     = "/tmp/kwfp-test-external-XXXXXX";
      directory       = mkdtemp(name);
      const char *old = std::getenv("TMPDIR");
      if (old != nullptr)
        previous = old, had_previous = true;
      setenv("TMPDIR", directory.c_str(), 1);
    }
    ~ScratchTmp()
    {
      if (had_previous)
        setenv("TMPDIR", previous.c_str(), 1);
      else
        unsetenv("TMPDIR");
      if (std::system(("rm -rf '" + directory + "'").c_str()) != 0)
        std::cerr << "cannot remove " << directory << std::endl;
    }
    /// Entries in the directory (besides . and ..).
    unsigned int
    n_entries() const
    {
      unsigned int n = 0;
      if (DIR *dir = opendir(directory.c_str()))
        {
          while (const dirent *entry = readdir(dir))
            n += std::string(entry->d_name) != "." &&
                 std::string(entry->d_name) != "..";
          closedir(dir);
        }
      return n;
    }
    std::string directory, previous;
    bool        had_previous = false;
  };


  /// A shell script in @p dir named @p name with body @p body, executable.
  std::string
  write_script(const std::string &dir,
               const std::string &name,
               const std::string &body)
  {
    const std::string file = dir + "/" + name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    chmod(file.c_str(), 0755);
    return file;
  }


  /// The model G(u) = (u1 + 2 u2, u1 u2) as an awk script reading INPUT
  /// ($1) and writing OUTPUT ($2) with a header line, @p first_rule put
  /// before its rules (to break it on purpose).
  std::string
  good_awk(const std::string &first_rule = "")
  {
    return "awk -F, '" + first_rule +
           " NR == 1 { print \"G1,G2\"; next } "
           "{ printf \"%.17g,%.17g\\n\", $1 + 2 * $2, $1 * $2 }' "
           "\"$1\" > \"$2\"\n";
  }


  /// The message of the ExternalCommandFailure that @p f throws.
  template <typename F>
  std::string
  failure_message(const F &f)
  {
    try
      {
        f();
      }
    catch (const ExternalCommandFailure &e)
      {
        return e.what();
      }
    ADD_FAILURE() << "no ExternalCommandFailure";
    return "";
  }


  DenseMatrix
  three_points()
  {
    DenseMatrix p(3, 2);
    p(0, 0) = 1, p(0, 1) = 2;
    p(1, 0) = -0.5, p(1, 1) = 0.1;
    p(2, 0) = 1e-300, p(2, 1) = 3.0000000000000004;
    return p;
  }
} // namespace


TEST(ExternalForwardModel, RoundTripIsExactAndOneCallPerBatch)
{
  ScratchTmp        tmp;
  const std::string script =
    write_script(tmp.directory + "/..",
                 "kwfp_test_model_" + std::to_string(getpid()) + ".sh",
                 good_awk());
  ExternalForwardModel model(script, 2, 2, 10);
  const DenseMatrix    points = three_points();
  DenseMatrix          G;
  model.evaluate_rows(points, G);
  ASSERT_EQ(G.m(), 3u);
  ASSERT_EQ(G.n(), 2u);
  for (unsigned int j = 0; j < 3; ++j)
    {
      // %.17g both ways: the numbers come back exactly
      EXPECT_EQ(G(j, 0), points(j, 0) + 2 * points(j, 1));
      EXPECT_EQ(G(j, 1), points(j, 0) * points(j, 1));
    }
  EXPECT_EQ(model.usage().calls, 1u);
  EXPECT_EQ(model.usage().points, 3u);

  // one point: one call
  std::vector<double> u = {0.25, -4}, g(2);
  model.evaluate(dealii::make_array_view(u), dealii::make_array_view(g));
  EXPECT_EQ(g[0], 0.25 - 8);
  EXPECT_EQ(model.usage().calls, 2u);

  // G and DG at 3 points: one call of 3 (1 + 2d) = 15 rows; central
  // differences are exact for this G up to round-off (h ~ 6e-6, the
  // difference quotient of a bilinear G has no truncation error)
  std::vector<DenseMatrix> DG;
  model.evaluate_with_jacobians(points, G, DG);
  EXPECT_EQ(model.usage().calls, 3u);
  EXPECT_EQ(model.usage().points, 3u + 1u + 15u);
  ASSERT_EQ(DG.size(), 3u);
  for (unsigned int j = 0; j < 3; ++j)
    {
      EXPECT_EQ(G(j, 0), points(j, 0) + 2 * points(j, 1));
      EXPECT_NEAR(DG[j](0, 0), 1, 1e-9);
      EXPECT_NEAR(DG[j](0, 1), 2, 1e-9);
      EXPECT_NEAR(DG[j](1, 0), points(j, 1), 1e-9);
      EXPECT_NEAR(DG[j](1, 1), points(j, 0), 1e-9);
    }
  // the temporary files are gone
  EXPECT_EQ(tmp.n_entries(), 0u);
  unlink(script.c_str());
}


TEST(ExternalForwardModel, PotentialGradientsAreOneCall)
{
  ScratchTmp        tmp;
  const std::string script =
    write_script(tmp.directory + "/..",
                 "kwfp_test_model2_" + std::to_string(getpid()) + ".sh",
                 good_awk());
  auto        model = std::make_shared<ExternalForwardModel>(script, 2, 2, 10);
  DenseMatrix Gamma(2, 2), Gamma_0(2, 2);
  Gamma(0, 0) = Gamma(1, 1) = 0.5;
  Gamma_0(0, 0) = Gamma_0(1, 1) = 4;
  DenseVector y(2), m(2);
  y[0] = 1, y[1] = -1;
  const InverseProblemPotential potential(
    std::make_shared<InverseProblem>(model, y, Gamma, Gamma_0, m));
  const DenseMatrix   points = three_points();
  DenseMatrix         gradients;
  std::vector<double> values;
  potential.values_and_gradients(points, values, gradients);
  EXPECT_EQ(model->usage().calls, 1u);
  potential.gradients(points, gradients);
  EXPECT_EQ(model->usage().calls, 2u);
  potential.values(points, values);
  EXPECT_EQ(model->usage().calls, 3u);
  for (unsigned int j = 0; j < 3; ++j)
    {
      // grad Phi_R = DG^T Gamma^{-1} (G - y) + Gamma_0^{-1} u, exact DG
      const double u1 = points(j, 0), u2 = points(j, 1);
      const double r1 = 2 * (u1 + 2 * u2 - y[0]), r2 = 2 * (u1 * u2 - y[1]);
      EXPECT_NEAR(gradients(j, 0),
                  r1 + u2 * r2 + u1 / 4,
                  1e-8 * (1 + std::abs(r1) + std::abs(r2)));
      EXPECT_NEAR(gradients(j, 1),
                  2 * r1 + u1 * r2 + u2 / 4,
                  1e-8 * (1 + std::abs(r1) + std::abs(r2)));
      EXPECT_DOUBLE_EQ(values[j],
                       0.25 * (r1 * r1 + r2 * r2) + (u1 * u1 + u2 * u2) / 8);
    }
  unlink(script.c_str());
}


namespace
{
  /// Run a broken model on three_points() and return its failure message;
  /// checks that the temporary files are removed.
  std::string
  broken_model_message(const std::string &body,
                       const unsigned int K       = 2,
                       const double       timeout = 10)
  {
    ScratchTmp        tmp;
    const std::string script =
      write_script(tmp.directory + "/..",
                   "kwfp_test_broken_" + std::to_string(getpid()) + ".sh",
                   body);
    const ExternalForwardModel model(script, 2, K, timeout);
    DenseMatrix                G;
    const std::string          message =
      failure_message([&]() { model.evaluate_rows(three_points(), G); });
    EXPECT_EQ(tmp.n_entries(), 0u) << "temporary files left behind";
    unlink(script.c_str());
    // every message names the command and the call
    EXPECT_NE(message.find(script), std::string::npos) << message;
    // calls are numbered over all the models of the process
    const unsigned long call = ExternalForwardModel::total_usage().calls;
    EXPECT_NE(message.find("', call " + std::to_string(call) + " (3 points)"),
              std::string::npos)
      << message;
    return message;
  }
} // namespace


TEST(ExternalForwardModel, NonZeroExitStatus)
{
  const std::string message =
    broken_model_message("echo 'Traceback: model blew up' >&2\nexit 7\n");
  EXPECT_NE(message.find("exit status 7"), std::string::npos) << message;
  // the command's own output is shown
  EXPECT_NE(message.find("model blew up"), std::string::npos) << message;
}


TEST(ExternalForwardModel, MissingOutput)
{
  const std::string message = broken_model_message("exit 0\n");
  EXPECT_NE(message.find("no OUTPUT"), std::string::npos) << message;
}


TEST(ExternalForwardModel, ShortOutput)
{
  // the third row is missing
  const std::string message =
    broken_model_message(good_awk("NR == 4 { exit }"));
  EXPECT_NE(message.find("short"), std::string::npos) << message;
  EXPECT_NE(message.find("row 3"), std::string::npos) << message;
  EXPECT_NE(message.find("(1e-300, 3.0000000000000004)"), std::string::npos)
    << message;
}


TEST(ExternalForwardModel, WrongWidth)
{
  // K = 3 expected, 2 written
  const std::string message = broken_model_message(good_awk(), 3);
  EXPECT_NE(message.find("row 1 of OUTPUT"), std::string::npos) << message;
  EXPECT_NE(message.find("2 columns, expected K = 3"), std::string::npos)
    << message;
}


TEST(ExternalForwardModel, NotANumberInARow)
{
  const std::string message = broken_model_message(
    "awk -F, 'NR == 1 { next } NR == 3 { print \"1,nan\"; next } "
    "{ print \"1,2\" }' \"$1\" > \"$2\"\n");
  EXPECT_NE(message.find("row 2 of OUTPUT"), std::string::npos) << message;
  EXPECT_NE(message.find("not finite"), std::string::npos) << message;
}


TEST(ExternalForwardModel, InfinityInARow)
{
  const std::string message = broken_model_message(
    "awk -F, 'NR == 1 { next } NR == 4 { print \"inf,2\"; next } "
    "{ print \"1,2\" }' \"$1\" > \"$2\"\n");
  EXPECT_NE(message.find("row 3 of OUTPUT"), std::string::npos) << message;
  EXPECT_NE(message.find("column 1"), std::string::npos) << message;
}


TEST(ExternalForwardModel, HungCommandIsKilledAfterTheTimeout)
{
  const auto        start   = std::chrono::steady_clock::now();
  const std::string message = broken_model_message("sleep 30\n", 2, 0.5);
  const double      seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
  EXPECT_NE(message.find("timeout of 0.5 s"), std::string::npos) << message;
  EXPECT_LT(seconds, 5);
}


TEST(ExternalCommand, ShellQuote)
{
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
}


TEST(ExternalForwardModel, BatchedPotentialPathsEqualPointwiseForBuiltIns)
{
  // The batched paths the solvers now take (values(), gradients(),
  // values_and_gradients()) give, for a built-in G (elliptic-1d, its own
  // Jacobian), the same numbers as value() and gradient() point by point.
  auto model =
    std::make_shared<EllipticForwardModel>(2, std::vector<double>{0.25, 0.75});
  DenseMatrix Gamma(2, 2), Gamma_0(2, 2);
  Gamma(0, 0) = Gamma(1, 1) = 0.01;
  Gamma_0(0, 0) = Gamma_0(1, 1) = 100;
  DenseVector y(2), m(2);
  y[0] = 27.5, y[1] = 79.7;
  const InverseProblemPotential potential(
    std::make_shared<InverseProblem>(model, y, Gamma, Gamma_0, m));
  DenseMatrix points(4, 2);
  for (unsigned int j = 0; j < 4; ++j)
    points(j, 0) = -2.7 + 0.1 * j, points(j, 1) = 104 + 0.3 * j;
  std::vector<double> values, values2;
  DenseMatrix         gradients, gradients2;
  potential.values(points, values);
  potential.gradients(points, gradients);
  potential.values_and_gradients(points, values2, gradients2);
  for (unsigned int j = 0; j < 4; ++j)
    {
      const dealii::ArrayView<const double> u(&points(j, 0), 2);
      std::vector<double>                   g(2);
      potential.gradient(u, dealii::make_array_view(g));
      EXPECT_EQ(values[j], potential.value(u));
      EXPECT_EQ(values2[j], values[j]);
      for (unsigned int a = 0; a < 2; ++a)
        {
          EXPECT_EQ(gradients(j, a), g[a]);
          EXPECT_EQ(gradients2(j, a), g[a]);
        }
      // and both equal (1.2)-(1.4) computed here from G and its own
      // Jacobian: Phi_R = |y - G|^2_Gamma / 2 + |u|^2_Gamma_0 / 2,
      // grad Phi_R = DG^T Gamma^{-1} (G - y) + Gamma_0^{-1} u (Gamma =
      // 0.01 I, Gamma_0 = 100 I); the sums run in another order, so to a
      // few ulps of the sum of the magnitudes of their terms
      std::vector<double> G(2);
      model->evaluate(u, dealii::make_array_view(G));
      const DenseMatrix J   = model->jacobian(u);
      double            phi = 0, phi_scale = 0;
      for (unsigned int k = 0; k < 2; ++k)
        phi += 0.5 * (G[k] - y[k]) * (G[k] - y[k]) / 0.01;
      for (unsigned int a = 0; a < 2; ++a)
        phi += 0.5 * u[a] * u[a] / 100;
      phi_scale = phi;
      EXPECT_NEAR(values[j], phi, 1e-13 * phi_scale);
      for (unsigned int a = 0; a < 2; ++a)
        {
          double grad = u[a] / 100, scale = std::abs(u[a] / 100);
          for (unsigned int k = 0; k < 2; ++k)
            {
              const double term = J(k, a) * (G[k] - y[k]) / 0.01;
              grad += term;
              scale += std::abs(term);
            }
          EXPECT_NEAR(gradients(j, a), grad, 1e-13 * scale);
        }
    }
}


TEST(ExternalForwardModel, BatchCacheAnswersTheSamePointsOnce)
{
  // the finite-element set-up's pattern: values_and_gradients() at the
  // quadrature points (diagnostics), gradients() at the same points
  // (operator), values() at other points (nodes)
  ScratchTmp        tmp;
  const std::string script =
    write_script(tmp.directory + "/..",
                 "kwfp_test_model3_" + std::to_string(getpid()) + ".sh",
                 good_awk());
  auto        model = std::make_shared<ExternalForwardModel>(script, 2, 2, 10);
  DenseMatrix Gamma(2, 2), Gamma_0(2, 2);
  Gamma(0, 0) = Gamma(1, 1) = 0.5;
  Gamma_0(0, 0) = Gamma_0(1, 1) = 4;
  DenseVector                   y(2), m(2);
  const InverseProblemPotential potential(
    std::make_shared<InverseProblem>(model, y, Gamma, Gamma_0, m));
  const BatchCachedPotential cached(potential);
  const DenseMatrix          points = three_points();
  std::vector<double>        values, direct_values;
  DenseMatrix                gradients, again, direct;
  cached.values_and_gradients(points, values, gradients);
  cached.gradients(points, again);
  EXPECT_EQ(model->usage().calls, 1u);
  potential.gradients(points, direct);
  potential.values(points, direct_values);
  for (unsigned int j = 0; j < 3; ++j)
    {
      EXPECT_EQ(values[j], direct_values[j]);
      for (unsigned int a = 0; a < 2; ++a)
        {
          EXPECT_EQ(again(j, a), gradients(j, a));
          EXPECT_EQ(direct(j, a), gradients(j, a));
        }
    }
  DenseMatrix other(points);
  other(1, 1) += 1e-15; // not the same points: a call
  cached.gradients(other, again);
  EXPECT_EQ(model->usage().calls, 4u);
  unlink(script.c_str());
}


namespace
{
  /// G(u) = (u1 + 2 u2, u1 u2) and its Jacobian (1, 2; u2, u1), row by row
  /// after G ('External Jacobian = command'), @p jacobian_21 as dG_2/du_1.
  std::string
  awk_with_jacobian(const std::string &jacobian_21 = "$2")
  {
    return "awk -F, 'NR == 1 { next } "
           "{ printf \"%.17g,%.17g,1,2,%.17g,%.17g\\n\", $1 + 2 * $2, $1 * $2, " +
           jacobian_21 + ", $1 }' \"$1\" > \"$2\"\n";
  }
} // namespace


TEST(ExternalForwardModel, JacobianFromTheCommandIsOneRowPerPoint)
{
  ScratchTmp        tmp;
  const std::string script =
    write_script(tmp.directory + "/..",
                 "kwfp_test_jacobian_" + std::to_string(getpid()) + ".sh",
                 awk_with_jacobian());
  ExternalForwardModel     model(script, 2, 2, 10, true);
  const DenseMatrix        points = three_points();
  DenseMatrix              G;
  std::vector<DenseMatrix> DG;
  model.evaluate_with_jacobians(points, G, DG);
  // one call of the 3 points (not 3 (1 + 2d) = 15 rows), and the numbers
  // exactly as written: no central difference is involved (it would be
  // off by ~1e-10)
  EXPECT_EQ(model.usage().calls, 1u);
  EXPECT_EQ(model.usage().points, 3u);
  ASSERT_EQ(DG.size(), 3u);
  for (unsigned int j = 0; j < 3; ++j)
    {
      EXPECT_EQ(G(j, 0), points(j, 0) + 2 * points(j, 1));
      EXPECT_EQ(G(j, 1), points(j, 0) * points(j, 1));
      EXPECT_EQ(DG[j](0, 0), 1);
      EXPECT_EQ(DG[j](0, 1), 2);
      EXPECT_EQ(DG[j](1, 0), points(j, 1));
      EXPECT_EQ(DG[j](1, 1), points(j, 0));
    }
  // G alone: the first K numbers of each row
  DenseMatrix G_only;
  model.evaluate_rows(points, G_only);
  ASSERT_EQ(G_only.n(), 2u);
  for (unsigned int j = 0; j < 3; ++j)
    EXPECT_EQ(G_only(j, 1), points(j, 0) * points(j, 1));
  // the pointwise Jacobian: one call of one row
  std::vector<double> u = {0.5, -3};
  const DenseMatrix   J = model.jacobian(dealii::make_array_view(u));
  EXPECT_EQ(J(1, 0), -3);
  EXPECT_EQ(J(1, 1), 0.5);
  EXPECT_EQ(model.usage().calls, 3u);
  EXPECT_EQ(model.usage().points, 7u);
  EXPECT_NE(model.description().find("its own Jacobian"), std::string::npos);
  EXPECT_EQ(tmp.n_entries(), 0u);
  unlink(script.c_str());
}


TEST(ExternalForwardModel, JacobianFromTheCommandMustBeThere)
{
  ScratchTmp tmp;
  // G only, but the Jacobian is expected: K (1 + d) = 6 columns
  {
    const std::string script =
      write_script(tmp.directory + "/..",
                   "kwfp_test_no_jacobian_" + std::to_string(getpid()) + ".sh",
                   good_awk());
    ExternalForwardModel model(script, 2, 2, 10, true);
    DenseMatrix          G;
    const std::string    message =
      failure_message([&]() { model.evaluate_rows(three_points(), G); });
    EXPECT_NE(message.find("2 columns, expected K (1 + d) = 6"),
              std::string::npos)
      << message;
    unlink(script.c_str());
  }
  // a Jacobian entry that is not finite is named as such
  {
    const std::string script =
      write_script(tmp.directory + "/..",
                   "kwfp_test_nan_jacobian_" + std::to_string(getpid()) + ".sh",
                   awk_with_jacobian("\"nan\""));
    ExternalForwardModel     model(script, 2, 2, 10, true);
    DenseMatrix              G;
    std::vector<DenseMatrix> DG;
    const std::string        message = failure_message(
      [&]() { model.evaluate_with_jacobians(three_points(), G, DG); });
    EXPECT_NE(message.find("column 5: dG_2/du_1 = nan is not finite"),
              std::string::npos)
      << message;
    unlink(script.c_str());
  }
  EXPECT_EQ(tmp.n_entries(), 0u);
}


TEST(ExternalForwardModel, LeftoversOfTheCommandAreRemoved)
{
  // The command makes a subdirectory next to OUTPUT and starts a
  // background child that outlives it (its pid in a file outside).
  ScratchTmp        tmp;
  const std::string pid_file =
    tmp.directory + "/../kwfp_test_child_" + std::to_string(getpid());
  const std::string script = write_script(
    tmp.directory + "/..",
    "kwfp_test_leftovers_" + std::to_string(getpid()) + ".sh",
    "mkdir \"$(dirname \"$2\")/sub\" && echo x > \"$(dirname \"$2\")/sub/f\"\n"
    "sleep 60 > /dev/null 2>&1 &\n"
    "echo $! > '" +
      pid_file + "'\n" + good_awk());
  ExternalForwardModel model(script, 2, 2, 10);
  DenseMatrix          G;
  model.evaluate_rows(three_points(), G);
  EXPECT_EQ(G(0, 0), 1 + 2 * 2.);
  // the temporary directory is gone with its subdirectory
  EXPECT_EQ(tmp.n_entries(), 0u);
  // the background child is gone (or a zombie waiting for init)
  std::ifstream in(pid_file);
  pid_t         child = 0;
  ASSERT_TRUE(static_cast<bool>(in >> child));
  bool alive = false;
  for (int i = 0; i < 100; ++i) // SIGKILL is asynchronous: up to 1 s
    {
      std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
      std::string   line;
      alive = static_cast<bool>(std::getline(stat, line)) &&
              line.find(") Z") == std::string::npos;
      if (!alive)
        break;
      usleep(10000);
    }
  EXPECT_FALSE(alive) << "background child " << child << " still runs";
  if (alive)
    kill(child, SIGKILL);
  unlink(pid_file.c_str());
  unlink(script.c_str());
}
