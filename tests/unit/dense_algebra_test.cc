#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/errors.h>

#include <gtest/gtest.h>

using namespace kwfp;

TEST(DenseAlgebra, ParsesVectorsAndMatrices)
{
  const auto v = parse_vector(" 1, -0.5 ,2e-3", "p", 3);
  EXPECT_DOUBLE_EQ(v[1], -0.5);
  EXPECT_DOUBLE_EQ(v[2], 2e-3);
  const DenseMatrix A = parse_matrix("1, 2; 3, 4; 5, 6", "p", 3, 2);
  EXPECT_DOUBLE_EQ(A(2, 1), 6);
}

TEST(DenseAlgebra, RejectsMalformedInputNamingTheParameter)
{
  const auto throws_naming = [](auto f, const std::string &what) {
    try
      {
        f();
        ADD_FAILURE() << "no error for " << what;
      }
    catch (const InputError &e)
      {
        EXPECT_EQ(e.parameter, "Mesh/Lower corner") << what;
      }
  };
  throws_naming([] { parse_vector("1, x", "Mesh/Lower corner"); }, "letter");
  throws_naming([] { parse_vector("1, 2", "Mesh/Lower corner", 3); }, "size");
  throws_naming([] { parse_vector("1,, 2", "Mesh/Lower corner"); }, "empty");
  throws_naming([] { parse_vector("1, inf", "Mesh/Lower corner"); }, "inf");
  throws_naming([] { parse_matrix("1, 2; 3", "Mesh/Lower corner"); }, "ragged");
  throws_naming([] { parse_matrix("1, 2; 3, 4", "Mesh/Lower corner", 3, 3); },
                "wrong size");
  throws_naming(
    [] {
      check_symmetric_positive_definite(parse_matrix("1, 2; 2, 1", "x"),
                                        "Mesh/Lower corner");
    },
    "indefinite");
  throws_naming(
    [] {
      check_symmetric_positive_definite(parse_matrix("1, 0.1; 0, 1", "x"),
                                        "Mesh/Lower corner");
    },
    "asymmetric");
}

TEST(DenseAlgebra, InverseAndLogDeterminantOfSpdMatrix)
{
  const DenseMatrix A = parse_matrix("4, 1, 0.5; 1, 3, 0.2; 0.5, 0.2, 2", "A");
  const DenseMatrix X = spd_inverse(A);
  DenseMatrix       product(3, 3);
  A.mmult(product, X);
  EXPECT_LT(frobenius_distance(product, identity_matrix(3)), 1e-14);
  // det by cofactors: 4(6-0.04) - 1(2-0.1) + 0.5(0.2-1.5) = 21.29
  EXPECT_NEAR(spd_log_determinant(A), std::log(21.29), 1e-14);
}
