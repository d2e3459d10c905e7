// The flux-corrected (positivity-preserving) scheme on drift-dominated
// problems where the plain Galerkin scheme produces negative densities.
// Its optimal convergence on G2 is checked by G2.SpaceConvergenceQ1/Q2,
// which run with the default 'Mesh/Stabilization = flux-corrected'.

#include <kwfp/base/errors.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// d = 1: posterior N(8, 0.01), start N(0, 1) on [-6, 10], Q1, 128 cells.
  /// The drift |C grad Phi_R| reaches 800 where the mass starts: cell
  /// Peclet number h |grad Phi_R| / 2 = 50.
  std::string
  drift_1d(const std::string &stabilization)
  {
    return "set Dimension = 1\n"
           "subsection Potential\n  set Type = quadratic\n"
           "  subsection Quadratic\n    set Minimizer u_0 = 8\n"
           "    set Covariance B = 0.01\n  end\nend\n"
           "subsection Initial density\n  set Type = Gaussian\n"
           "  set Mean m_0 = 0\n  set Covariance C_0 = 1\nend\n"
           "subsection Mesh\n  set Lower corner = -6\n  set Upper corner = 10\n"
           "  set Subdivisions = 128\n  set Global refinements = 0\n"
           "  set Finite element degree = 1\n  set Stabilization = " +
           stabilization +
           "\nend\n"
           "subsection Time stepping\n  set Final time = 0.1\n"
           "  set Time step = 0.001\nend\n";
  }

  /// d = 2: posterior N((3, 3), B) with correlation 0.9 and standard
  /// deviations 0.1, start N(0, I) on [-5, 6]^2, Q1 on 32 x 32 cells:
  /// Phi_R varies by 1e4 over the box and C(rho) becomes strongly
  /// correlated as the mass moves.
  std::string
  drift_2d(const std::string &stabilization, const unsigned int degree)
  {
    return "set Dimension = 2\n"
           "subsection Potential\n  set Type = quadratic\n"
           "  subsection Quadratic\n    set Minimizer u_0 = 3, 3\n"
           "    set Covariance B = 0.01, 0.009; 0.009, 0.01\n  end\nend\n"
           "subsection Initial density\n  set Type = Gaussian\n"
           "  set Mean m_0 = 0, 0\n  set Covariance C_0 = 1, 0; 0, 1\nend\n"
           "subsection Mesh\n  set Lower corner = -5, -5\n"
           "  set Upper corner = 6, 6\n  set Subdivisions = 32\n"
           "  set Global refinements = 0\n  set Finite element degree = " +
           std::to_string(degree) + "\n  set Stabilization = " + stabilization +
           "\nend\n"
           "subsection Time stepping\n  set Final time = 0.05\n"
           "  set Time step = 0.002\nend\n";
  }

  /// G2 with the fixed matrix C = (0.3, 0.2; 0.2, 2) on n x n Q1 cells,
  /// dt = 0.64 / n, T = 1, with the low-order scheme alone. On the square
  /// cells the Q1 stiffness couples horizontal neighbours with -0.3/3 + 2/6
  /// > 0: a low-order operator built from max(0, -K(C)_ij) loses the
  /// horizontal diffusion and drift, and its L1 error does not fall under
  /// refinement (measured 0.81, 0.91, 0.94 on 32, 64, 128 cells).
  std::string
  anisotropic_low_order(const unsigned int n)
  {
    return g2_parameters(n,
                         1,
                         0.64 / n,
                         "BDF1",
                         "subsection Fokker-Planck equation\n"
                         "  set Diffusion matrix = fixed\n"
                         "  set Fixed diffusion matrix = 0.3, 0.2; 0.2, 2\n"
                         "end\n"
                         "subsection Mesh\n  set Stabilization = low-order\n"
                         "end\n"
                         "subsection Time stepping\n  set Final time = 1\n"
                         "end\n");
  }

  /// Every step: min density >= -1e-12 max (a Galerkin step with no
  /// value below that is kept uncorrected; corrected steps are >= 0) and
  /// the mass of step 0 kept to 1e-12 (round-off of about 1e-16 per step
  /// and unknown-sum).
  void
  expect_positive_and_conservative(const RunSummary &s)
  {
    ASSERT_GT(s.history.size(), 1u);
    EXPECT_GE(s.min_relative_density, -1e-12);
    for (const DiagnosticsRow &row : s.history)
      EXPECT_NEAR(row.mass, s.history[0].mass, 1e-12) << "step " << row.step;
    EXPECT_GT(s.corrected_steps, 0u);
  }
} // namespace

TEST(FluxCorrection, Drift1dGalerkinGoesNegative)
{
  const RunSummary s = run_parameters(drift_1d("none"));
  std::printf("1-D drift, Galerkin: min density / max = %.3e\n",
              s.min_relative_density);
  EXPECT_LT(s.min_relative_density, -1e-2);
}

TEST(FluxCorrection, Drift1dStaysPositiveAndConservative)
{
  for (const unsigned int degree : {1u, 2u})
    {
      std::string text = drift_1d("flux-corrected");
      text += "subsection Mesh\n  set Finite element degree = " +
              std::to_string(degree) + "\nend\n";
      const RunSummary s = run_parameters(text);
      std::printf("1-D drift, Q%u flux-corrected: min density / max = "
                  "%.3e, %u of %u steps corrected\n",
                  degree,
                  s.min_relative_density,
                  s.corrected_steps,
                  s.n_steps);
      expect_positive_and_conservative(s);
    }
}

TEST(FluxCorrection, Drift2dCorrelatedGalerkinFails)
{
  // The Galerkin density goes to -0.38 of its maximum in the first step;
  // C(rho) of that density is not even positive definite by step 2.
  EXPECT_THROW(run_parameters(drift_2d("none", 1)), RunFailure);
}

// The correlated drift's stationary density is narrower (sd 0.032) than
// a quarter of the cells (0.34): the run is kept positive by the flux
// correction, and the user is told that the mesh cannot resolve the
// target (it used to run without a word).
TEST(FluxCorrection, AnUnresolvedStationaryDensityIsWarnedAbout)
{
  std::string console;
  run_parameters(drift_2d("flux-corrected", 1), &console);
  EXPECT_NE(console.find("warning: the stationary density N(u_0, B) has a "
                         "standard deviation of 0.0316"),
            std::string::npos)
    << console;
  EXPECT_NE(console.find("'Mesh/Global refinements'"), std::string::npos);
}

// The check is made along each axis: N(0, diag(100, 0.09)) in the long
// thin box [-60, 60] x [-2, 2] on 24 x 40 cells (sides 5 and 0.1) is
// resolved on its lines of nodes (sd 10 along x, 0.3 along y) and is not
// warned about; the earlier check compared the narrowest sd, 0.3, with the
// longest side, 5, and warned. With 5 cells across y (side 0.8 against sd
// 0.3) the warning names axis 2.
TEST(FluxCorrection, TheResolutionCheckIsMadeAlongEachAxis)
{
  const auto thin_box = [](const std::string &subdivisions) {
    return "set Dimension = 2\n"
           "subsection Potential\n  set Type = quadratic\n"
           "  subsection Quadratic\n    set Minimizer u_0 = 0, 0\n"
           "    set Covariance B = 100, 0; 0, 0.09\n  end\nend\n"
           "subsection Initial density\n  set Type = Gaussian\n"
           "  set Mean m_0 = 0, 0\n  set Covariance C_0 = 100, 0; 0, 0.09\n"
           "end\n"
           "subsection Mesh\n  set Lower corner = -60, -2\n"
           "  set Upper corner = 60, 2\n  set Subdivisions = " +
           subdivisions +
           "\n  set Global refinements = 0\nend\n"
           "subsection Time stepping\n  set Final time = 0.01\n"
           "  set Time step = 0.01\nend\n";
  };
  std::string resolved, unresolved;
  run_parameters(thin_box("24, 40"), &resolved);
  EXPECT_EQ(resolved.find("warning"), std::string::npos) << resolved;
  run_parameters(thin_box("24, 5"), &unresolved);
  EXPECT_NE(unresolved.find("along the lines of axis 2, less than the side "
                            "0.8 of the finest cells along that axis"),
            std::string::npos)
    << unresolved;
}

TEST(FluxCorrection, Drift2dCorrelatedStaysPositiveAndConservative)
{
  // Q1 only: on Q2 the Galerkin (high-order) step of this case is too
  // non-normal for GMRES with AMG or ILU(0) within 1000 iterations.
  for (const unsigned int degree : {1u})
    {
      const RunSummary s = run_parameters(drift_2d("flux-corrected", degree));
      std::printf("2-D correlated drift, Q%u flux-corrected: min / max = "
                  "%.3e, %u of %u steps corrected, at most %llu unknowns "
                  "limited\n",
                  degree,
                  s.min_relative_density,
                  s.corrected_steps,
                  s.n_steps,
                  s.max_limited_nodes);
      expect_positive_and_conservative(s);
      // The mean moves towards u_0 = (3, 3) along the diagonal: the
      // correlated C keeps the two coordinates equal by symmetry.
      const DiagnosticsRow &last = s.history.back();
      EXPECT_NEAR(last.mean[0], last.mean[1], 1e-8);
      EXPECT_GT(last.mean[0], 1.0);
    }
}

TEST(FluxCorrection, LowOrderSchemeConvergesForAnisotropicC)
{
  // The edge weights of EdgeDiffusion represent C exactly on each cell, so
  // the low-order scheme is consistent: first order in h and dt (dt ~ h)
  // at least; second order in space on these uniform squares, so the
  // measured rate is about 1.7 (errors 0.126, 0.039, 0.012 on 32, 64, 128).
  const RunSummary coarse = run_parameters(anisotropic_low_order(32));
  const RunSummary fine   = run_parameters(anisotropic_low_order(64));
  const double     e0     = coarse.history.back().l1_error;
  const double     e1     = fine.history.back().l1_error;
  std::printf("anisotropic fixed C, low-order scheme: L1 %.4e (32^2), %.4e "
              "(64^2), rate %.2f\n",
              e0,
              e1,
              rate(e0, e1));
  EXPECT_GE(rate(e0, e1), 0.9);
  EXPECT_LE(rate(e0, e1), 2.2);
  EXPECT_EQ(fine.low_order_steps, fine.n_steps);
  for (const DiagnosticsRow &row : fine.history)
    {
      EXPECT_GE(row.min_density, 0.) << "step " << row.step;
      EXPECT_NEAR(row.mass, fine.history[0].mass, 1e-12) << "step " << row.step;
    }
}


// Large dt/h^2: the 1-D Gaussian example (u_0 = 2, B = 0.5, m_0 = -1,
// C_0 = 2) on 1024 Q2 cells of [-10, 10] with the low-order scheme alone
// (BDF1) and dt = 0.2 and 0.1. ILU(0)-GMRES on the low-order system
// stagnates here (residual 1.6e-8 against a target of 2.3e-13: "flux
// correction: GMRES did not converge"); the sparse direct fallback solved
// 7 of the 15 steps at dt = 0.2 (counted with a temporary print). The runs
// must finish, keep the mass to 1e-12 and the density >= 0, and the
// covariance error at T = 3 must halve with dt (first order; measured
// 5.62e-4 and 2.45e-4, rate 1.20). Without the fallback the first run
// stops with a RunFailure.
TEST(FluxCorrection, LowOrderSolveSurvivesLargeTimeSteps)
{
  std::vector<double> cov_errors;
  for (const double dt : {0.2, 0.1})
    {
      const RunSummary s = run_parameters(
        "set Dimension = 1\n"
        "subsection Potential\n  set Type = quadratic\n"
        "  subsection Quadratic\n    set Minimizer u_0 = 2\n"
        "    set Covariance B = 0.5\n  end\nend\n"
        "subsection Initial density\n  set Type = Gaussian\n"
        "  set Mean m_0 = -1\n  set Covariance C_0 = 2\nend\n"
        "subsection Mesh\n  set Lower corner = -10\n  set Upper corner = 10\n"
        "  set Subdivisions = 1\n  set Global refinements = 10\n"
        "  set Finite element degree = 2\n  set Stabilization = low-order\n"
        "end\n"
        "subsection Time stepping\n  set Final time = 3\n"
        "  set Time step = " +
        std::to_string(dt) + "\n  set Scheme = BDF1\nend\n");
      EXPECT_GE(s.min_relative_density, 0.);
      for (const DiagnosticsRow &row : s.history)
        EXPECT_NEAR(row.mass, 1.0, 1e-12) << "step " << row.step;
      cov_errors.push_back(s.history.back().cov_error);
    }
  const double r = std::log2(cov_errors[0] / cov_errors[1]);
  std::cout << "BDF1, dt = 0.2 and 0.1: covariance errors " << cov_errors[0]
            << ", " << cov_errors[1] << ", rate " << r << std::endl;
  EXPECT_NEAR(r, 1, 0.3);
}



// Issue 21.3: the correction rebuilds the step from the operator A(C) of the
// Galerkin step it corrects: its fluxes f_ij reproduce rho^H exactly only
// if M rhodot + A(C) rho^H = 0 with the C it is given (where nothing is
// limited it then returns rho^H). With 'Skip unlimited steps = false' every
// step is corrected and reports the relative residual of that equation; it
// must be at the linear solver's tolerance (GMRES, relative 1e-12 in l2 of
// about 1.7e4 unknowns: 1e-9 in the maximum norm is a bound with margin),
// for C extrapolated and for C iterated to consistency. A loose 'Implicit
// tolerance' (1e-4) makes C(rho^{n+1}) differ from the C of the last solve
// by up to 1e-4 relative: with it, the residual would be about dt 1e-4 |A
// rho| / |M rho| = 1e-6.
TEST(FluxCorrection, CorrectionUsesTheOperatorOfItsGalerkinStep)
{
  for (const bool implicit : {false, true})
    {
      const RunSummary s = run_parameters(g2_parameters(
        32,
        2,
        0.01,
        "BDF2",
        std::string("subsection Time stepping\n  set Final time = 0.1\n") +
          "  set Implicit covariance = " + (implicit ? "true" : "false") +
          "\n  set Implicit tolerance = 1e-4\nend\n"
          "subsection Mesh\n set Skip unlimited steps = false\nend\n"));
      std::cout << (implicit ? "implicit" : "extrapolated")
                << " C: largest relative Galerkin residual with the "
                   "correction's C "
                << s.max_correction_residual << " (" << s.corrected_steps
                << " corrected steps)" << std::endl;
      EXPECT_EQ(s.corrected_steps, s.n_steps);
      EXPECT_GT(s.max_correction_residual, 0.);
      EXPECT_LT(s.max_correction_residual, 1e-9)
        << (implicit ? "implicit C" : "explicit C");
    }
}


// The cutoff ('Mesh/Cutoff tolerance', doc/numerics.md "Stabilization")
// on G2, Q2 32^2, dt 0.01, BDF2, T = 2, where the Galerkin steps fall below
// 0 by little (190 of 200 steps had at most 1e-8 of the mass in negative
// nodal values when this test was written; 10 are corrected): every step
// stays >= 0 at the unknowns and keeps the mass, and the errors against
// the closed form stay those of the flux correction alone ('Cutoff
// tolerance = 0'). Both fixes of positivity change the Galerkin step only
// where it is below 0, by far less than the discretization error (L1 3.7e-3
// here). A cut step moves at most 'Cutoff tolerance' = 1e-8 of the lumped
// mass: clipping changes rho_h by at most 2.25 times that in L1 (a Q2
// vertex function has int |phi_i| = 2.25 m_i in 2-D), the scaling by
// once more, so 3.3e-8 per cut step. If the flow did not amplify L1
// differences (true for a fixed C, not proven here, where C depends on
// rho and the two runs also correct different steps), the L1 errors
// would differ by at most 3.3e-8 times the number of cut steps (6.3e-6
// for 190): asserted as a heuristic bound, with a margin of about 3000
// over the measured 2e-9. The moments' 1 % of the correction's errors
// guards what was measured:
// L1 3.718749e-3 / 3.718751e-3, mean 1.737903e-4 / 1.737456e-4, cov 4.652850e-5
// / 4.652193e-5 (0.00005 %, 0.03 %, 0.014 %). A cut without the scaling to the
// mass fails the mass check (up to 1e-8 per step), one without the clipping the
// positivity check, a gate that ignores the tolerance the count checks.
TEST(FluxCorrection, CutoffKeepsPositivityMassAndTheCorrectedAccuracy)
{
  const auto run = [](const std::string &tolerance) {
    return run_parameters(g2_parameters(32,
                                        2,
                                        0.01,
                                        "BDF2",
                                        "subsection Mesh\n set Cutoff "
                                        "tolerance = " +
                                          tolerance + "\nend\n"));
  };
  const RunSummary cut = run("1e-8"), corrected = run("0");
  std::printf("cutoff: %u steps cut off (largest relative mass %.3e), %u "
              "corrected; without: %u corrected\n",
              cut.cutoff_steps,
              cut.max_cutoff_mass,
              cut.corrected_steps,
              corrected.corrected_steps);
  EXPECT_EQ(corrected.cutoff_steps, 0u);
  EXPECT_EQ(corrected.max_cutoff_mass, 0.);
  ASSERT_GT(cut.cutoff_steps, cut.n_steps / 2);
  EXPECT_LE(cut.cutoff_steps + cut.corrected_steps, cut.n_steps);
  EXPECT_LE(cut.max_cutoff_mass, 1e-8);
  EXPECT_GT(cut.max_cutoff_mass, 0.);
  EXPECT_GE(cut.min_relative_density, -1e-12);
  for (const DiagnosticsRow &row : cut.history)
    EXPECT_NEAR(row.mass, cut.history[0].mass, 1e-12) << "step " << row.step;

  const DiagnosticsRow &a = cut.history.back(), &b = corrected.history.back();
  std::printf("errors at T, cutoff against correction: L1 %.6e / %.6e, "
              "mean %.6e / %.6e, cov %.6e / %.6e\n",
              a.l1_error,
              b.l1_error,
              a.mean_error,
              b.mean_error,
              a.cov_error,
              b.cov_error);
  EXPECT_NEAR(a.l1_error, b.l1_error, 3.3e-8 * cut.cutoff_steps);
  EXPECT_NEAR(a.mean_error, b.mean_error, 0.01 * b.mean_error);
  EXPECT_NEAR(a.cov_error, b.cov_error, 0.01 * b.cov_error);
}


// A rejected attempt of the adaptive time step is not counted as cut off:
// every accepted step is kept, corrected or cut off, once. G2 Q2 32^2 from
// dt = 0.3 with 'Error tolerance = 1e-5' rejects its first attempts
// (measured: 4 rejected, 65 steps; before the fix the summary counted 2
// corrected and 64 cut off steps, 66 in all).
TEST(FluxCorrection, RejectedAttemptsAreNotCountedAsCutOff)
{
  const RunSummary s = run_parameters(
    g2_parameters(32,
                  2,
                  0.3,
                  "BDF2",
                  "subsection Time stepping\n set Adaptive time step = "
                  "true\n set Error tolerance = 1e-5\nend\n"));
  std::printf("%u steps, %u rejected, %u corrected, %u cut off\n",
              s.n_steps,
              s.rejected_steps,
              s.corrected_steps,
              s.cutoff_steps);
  ASSERT_GT(s.rejected_steps, 0u);
  EXPECT_GT(s.cutoff_steps, 0u);
  EXPECT_LE(s.cutoff_steps + s.corrected_steps, s.n_steps);
}
