// The postprocessors at the end of a finite-element run, chosen by name in
// 'Output/Postprocessors' (postprocess/postprocessor_registry.h): the list
// decides which files are written and in which order the postprocessors
// run; a registered postprocessor of the user's runs beside the built-in
// ones; bad lists name the parameter.
#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/postprocess/postprocessor_registry.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// What EndRecorder saw in its finish() calls.
  struct Seen
  {
    unsigned int calls         = 0;
    std::size_t  kl_samples    = 0;
    double       last_time     = -1;
    bool         had_posterior = false;
    double       nodal_sum     = 0;
  };
  Seen seen;

  /// A user's postprocessor: records what RunEnd holds.
  template <int dim>
  class EndRecorder : public Postprocessor<dim>
  {
  public:
    explicit EndRecorder(const PostprocessorSettings &)
    {}

    std::string
    name() const override
    {
      return "end recorder";
    }

    void
    finish(RunEnd<dim> &end) override
    {
      ++seen.calls;
      seen.kl_samples    = end.summary->kl_samples.size();
      seen.last_time     = end.summary->kl_samples.back().time;
      seen.had_posterior = end.summary->posterior_mean.size() == dim;
      seen.nodal_sum     = end.density->l1_norm();
    }
  };

  const bool recorder_registered =
    postprocessor_registry().add("end recorder",
                                 "a test's postprocessor",
                                 creator_of<EndRecorder>());

  /// 1-D Gaussian, 32 Q2 cells, 10 steps of 0.1 to T = 1, 'Output/Interval'
  /// @p interval (0: fields never).
  std::string
  small_run(const std::string &postprocessors, const unsigned int interval = 0)
  {
    return gaussian_1d_parameters(
      5,
      0.1,
      "subsection Time stepping\n set Final time = 1\nend\n"
      "subsection Output\n set Interval = " +
        std::to_string(interval) + "\n set Postprocessors = " + postprocessors +
        "\nend\n");
  }

  bool
  exists(const std::string &directory, const std::string &file)
  {
    return std::filesystem::exists(directory + "/out/" + file);
  }

  std::string
  rejected(const std::string &text)
  {
    dealii::ParameterHandler prm;
    Parameters::declare(prm);
    Parameters p;
    try
      {
        p.read_from_string(prm, text);
      }
    catch (const InputError &e)
      {
        return e.parameter;
      }
    return "";
  }
} // namespace


TEST(Postprocessors, RegistryKnowsTheBuiltInOnesAndRecordsClashes)
{
  ASSERT_TRUE(recorder_registered);
  for (const char *name :
       {"diagnostics", "fields", "posterior", "final density", "KL decay"})
    EXPECT_TRUE(postprocessor_registry().has(name)) << name;
  EXPECT_FALSE(postprocessor_registry().has("posterior table"));
  EXPECT_EQ(postprocessor_registry().list().size(), 6u);
  EXPECT_TRUE(postprocessor_registry().take_errors().empty());
  EXPECT_FALSE(postprocessor_registry().add("posterior",
                                            "a second posterior",
                                            creator_of<EndRecorder>()));
  EXPECT_EQ(postprocessor_registry().take_errors().size(), 1u);
  EXPECT_EQ(create_postprocessor<3>("end recorder", {})->name(),
            "end recorder");
}


TEST(Postprocessors, BadListsNameTheParameter)
{
  EXPECT_EQ(rejected(""), "");
  EXPECT_EQ(rejected("subsection Output\n set Postprocessors = \nend\n"), "");
  EXPECT_EQ(rejected("subsection Output\n set Postprocessors = posterier\n"
                     "end\n"),
            "Output/Postprocessors");
  EXPECT_EQ(rejected("subsection Output\n set Postprocessors = KL decay, "
                     "posterior, KL decay\nend\n"),
            "Output/Postprocessors");
  EXPECT_EQ(rejected("subsection Output\n set Plots = true\n set "
                     "Postprocessors = posterior\nend\n"),
            "Output/Postprocessors");
  EXPECT_EQ(rejected("subsection Output\n set Plots = true\n set "
                     "Postprocessors = KL decay\nend\n"),
            "Output/Postprocessors");
  EXPECT_EQ(rejected("subsection Output\n set Plots = true\n set "
                     "Postprocessors = diagnostics, KL decay\nend\n"),
            "");
}


// The list decides the files and the order: the recorder, listed before
// "posterior", sees no posterior moments yet; every sample of the 10
// steps and the final density reach it.
TEST(Postprocessors, TheListDecidesTheFilesAndTheOrder)
{
  seen                        = Seen();
  const std::string directory = run_kwfp(small_run("end recorder, posterior"));
  EXPECT_EQ(seen.calls, 1u);
  EXPECT_EQ(seen.kl_samples, 11u); // t = 0, 0.1, .., 1
  EXPECT_DOUBLE_EQ(seen.last_time, 1.);
  EXPECT_FALSE(seen.had_posterior);
  EXPECT_GT(seen.nodal_sum, 0.);
  EXPECT_TRUE(exists(directory, "posterior.csv"));
  EXPECT_FALSE(exists(directory, "density_final.csv"));
  EXPECT_FALSE(exists(directory, "kl_decay.csv"));
  std::vector<std::string> order;
  const auto               table =
    read_posterior_table(directory + "/out/posterior_table.csv", order);
  EXPECT_EQ(table.count("quadrature of exp(-Phi_R)/Z"), 1u);
  std::filesystem::remove_all(directory);

  seen                    = Seen();
  const std::string after = run_kwfp(small_run("posterior, end recorder"));
  EXPECT_TRUE(seen.had_posterior);
  std::filesystem::remove_all(after);
}


// With "diagnostics" alone, the run writes its diagnostics and no
// end-of-run files, and the posterior table has no quadrature row.
TEST(Postprocessors, DiagnosticsAloneWritesNoEndOfRunFiles)
{
  const std::string directory = run_kwfp(small_run("diagnostics"));
  EXPECT_TRUE(exists(directory, "diagnostics.csv"));
  for (const char *file :
       {"posterior.csv", "density_final.csv", "kl_decay.csv"})
    EXPECT_FALSE(exists(directory, file)) << file;
  std::vector<std::string> order;
  const auto               table =
    read_posterior_table(directory + "/out/posterior_table.csv", order);
  EXPECT_EQ(table.count("quadrature of exp(-Phi_R)/Z"), 0u);
  EXPECT_EQ(table.count("finite elements"), 1u);
  std::filesystem::remove_all(directory);
}


// "fields" writes the ParaView files at step 0, every 'Output/Interval'
// steps and the last step; left out of the list it writes none whatever
// the interval, and with 'Output/Interval = 0' none either.
TEST(Postprocessors, FieldsAreWrittenOnlyWhenListedAndDue)
{
  const std::string listed = run_kwfp(small_run("fields, KL decay", 5));
  EXPECT_TRUE(exists(listed, "solution.pvd"));
  for (const char *file : {"solution-00000.pvtu",
                           "solution-00000.0000.vtu",
                           "solution-00002.pvtu"}) // steps 0, 5, 10
    EXPECT_TRUE(exists(listed, file)) << file;
  EXPECT_FALSE(exists(listed, "solution-00003.pvtu"));
  EXPECT_TRUE(exists(listed, "kl_decay.csv"));
  std::filesystem::remove_all(listed);

  const std::string left_out =
    run_kwfp(small_run("diagnostics, posterior, KL decay", 5));
  EXPECT_FALSE(exists(left_out, "solution.pvd"));
  EXPECT_FALSE(exists(left_out, "solution-00000.pvtu"));
  EXPECT_TRUE(exists(left_out, "diagnostics.csv"));
  EXPECT_TRUE(exists(left_out, "posterior.csv"));
  std::filesystem::remove_all(left_out);

  const std::string never = run_kwfp(small_run("fields", 0));
  EXPECT_FALSE(exists(never, "solution.pvd"));
  EXPECT_FALSE(exists(never, "solution-00000.pvtu"));
  std::filesystem::remove_all(never);
}


// Without "diagnostics" the time loop still computes its rows: no
// diagnostics.csv, but the KL samples reach the KL decay (kl_decay.csv, a
// row per step) and the last row the posterior table; an empty list writes
// none of the run's files but posterior_table.csv.
TEST(Postprocessors, WithoutDiagnosticsTheRunStillReportsKl)
{
  seen                        = Seen();
  const std::string directory = run_kwfp(small_run("KL decay, end recorder"));
  EXPECT_FALSE(exists(directory, "diagnostics.csv"));
  EXPECT_EQ(seen.kl_samples, 11u);
  const auto kl = read_csv(directory + "/out/kl_decay.csv");
  ASSERT_EQ(kl.count("time"), 1u);
  EXPECT_GE(kl.at("time").size(), 10u);
  std::vector<std::string> order;
  const auto               table =
    read_posterior_table(directory + "/out/posterior_table.csv", order);
  EXPECT_EQ(table.count("finite elements"), 1u);
  std::filesystem::remove_all(directory);

  const std::string none = run_kwfp(small_run("", 5));
  for (const char *file : {"diagnostics.csv",
                           "solution.pvd",
                           "posterior.csv",
                           "density_final.csv",
                           "kl_decay.csv"})
    EXPECT_FALSE(exists(none, file)) << file;
  EXPECT_TRUE(exists(none, "posterior_table.csv"));
  std::filesystem::remove_all(none);
}
