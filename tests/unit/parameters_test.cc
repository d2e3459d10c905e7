#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>

#include <deal.II/base/parameter_handler.h>

#include <gtest/gtest.h>

using namespace kwfp;

namespace
{
  Parameters
  read(const std::string &text)
  {
    dealii::ParameterHandler prm;
    Parameters::declare(prm);
    Parameters p;
    p.read_from_string(prm, text);
    return p;
  }

  /// The parameter named by the InputError that @p text raises ("" if none).
  std::string
  rejected(const std::string &text)
  {
    try
      {
        read(text);
      }
    catch (const InputError &e)
      {
        return e.parameter;
      }
    return "";
  }
} // namespace

TEST(Parameters, DefaultsAreBenchmarkG2)
{
  const Parameters p = read("");
  EXPECT_EQ(p.dimension, 2u);
  EXPECT_EQ(p.diffusion_matrix, DiffusionMatrixType::kalman_wasserstein);
  EXPECT_DOUBLE_EQ(p.potential.covariance(0, 1), 0.2);
  EXPECT_DOUBLE_EQ(p.initial_density.mean[1], 1.5);
  EXPECT_EQ(p.mesh.subdivisions, (std::vector<unsigned int>{1, 1}));
  EXPECT_EQ(p.time_stepping.bdf_order, 2u);
}

TEST(Parameters, UnknownOrMisspelledNameIsRejected)
{
  EXPECT_EQ(rejected("set Dimensoin = 2\n"), "(parameter file)");
  EXPECT_EQ(rejected("subsection Mesh\n set Degree = 2\nend\n"),
            "(parameter file)");
  EXPECT_EQ(rejected("subsection Mesch\nend\n"), "(parameter file)");
}

TEST(Parameters, OutOfRangeValuesNameTheParameter)
{
  EXPECT_EQ(rejected("set Dimension = 4\n"), "Dimension");
  EXPECT_EQ(rejected("set Dimension = 0\n"), "Dimension");
  EXPECT_EQ(rejected("subsection Mesh\n set Finite element degree = 3\nend\n"),
            "Mesh/Finite element degree");
  EXPECT_EQ(rejected("subsection Time stepping\n set Time step = 0\nend\n"),
            "Time stepping/Time step");
  EXPECT_EQ(rejected("subsection Time stepping\n set Final time = -1\nend\n"),
            "Time stepping/Final time");
  EXPECT_EQ(rejected("subsection Mesh\n set Upper corner = 8, -9\nend\n"),
            "Mesh/Upper corner");
  EXPECT_EQ(rejected("subsection Mesh\n set Subdivisions = 2, 0\nend\n"),
            "Mesh/Subdivisions");
  EXPECT_EQ(rejected("subsection Output\n set Directory = \nend\n"),
            "Output/Directory");
}

TEST(Parameters, MatricesOfWrongSizeOrNotSpdAreRejected)
{
  EXPECT_EQ(rejected("subsection Initial density\n"
                     " set Covariance C_0 = 1, 2; 2, 1\nend\n"),
            "Initial density/Covariance C_0");
  EXPECT_EQ(rejected("subsection Initial density\n"
                     " set Covariance C_0 = 1, 0.1; 0.2, 1\nend\n"),
            "Initial density/Covariance C_0");
  EXPECT_EQ(rejected("subsection Potential\n subsection Quadratic\n"
                     "  set Covariance B = 1, 0, 0; 0, 1, 0; 0, 0, 1\n"
                     " end\nend\n"),
            "Potential/Quadratic/Covariance B");
  EXPECT_EQ(rejected("subsection Initial density\n set Mean m_0 = 1\nend\n"),
            "Initial density/Mean m_0");
  // Linear inverse problem: y must have one entry per row of A (K = 3).
  EXPECT_EQ(rejected("subsection Potential\n set Type = inverse problem\n"
                     " subsection Inverse problem\n"
                     "  set Data y = 1, 2\n end\nend\n"),
            "Potential/Inverse problem/Data y");
  EXPECT_EQ(rejected("subsection Potential\n set Type = inverse problem\n"
                     " subsection Inverse problem\n"
                     "  set Forward matrix A = 1, 0, 0; 0, 1, 0\n end\nend\n"),
            "Potential/Inverse problem/Forward matrix A");
  EXPECT_EQ(rejected("set Dimension = 1\n"
                     "subsection Fokker-Planck equation\n"
                     " set Diffusion matrix = fixed\n"
                     " set Fixed diffusion matrix = -1\nend\n"),
            "Fokker-Planck equation/Fixed diffusion matrix");
}

TEST(Parameters, SelectionsAcceptOnlyListedValues)
{
  EXPECT_EQ(rejected("subsection Fokker-Planck equation\n"
                     " set Diffusion matrix = Kalman\nend\n"),
            "(parameter file)");
  EXPECT_EQ(rejected("subsection Time stepping\n set Scheme = BDF3\nend\n"),
            "(parameter file)");
}


TEST(Parameters, AdaptiveStepSettingsAreCheckedOnlyForAdaptiveSteps)
{
  // 'Maximum time step' is read only by adaptive closure steps: below
  // 'Time step' it is an error there, and ignored with fixed steps (it
  // used to be rejected with fixed steps too).
  const std::string closure = "set Solver = Gaussian\n"
                              "subsection Gaussian closure\n"
                              "  set Time step = 0.1\n"
                              "  set Maximum time step = 0.01\n";
  EXPECT_EQ(rejected(closure + "  set Adaptive time step = true\nend\n"),
            "Gaussian closure/Maximum time step");
  EXPECT_EQ(rejected(closure + "  set Adaptive time step = false\nend\n"), "");
}
