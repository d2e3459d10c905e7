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
  // a subnormal is a number (it used to be "not a number")
  EXPECT_EQ(parse_vector("1e-320, 1.5", "p", 2)[0], 1e-320);
}

TEST(DenseAlgebra, MatrixShapeMessagesSayWhatIsExpected)
{
  const auto message = [](const unsigned int rows, const unsigned int columns) {
    try
      {
        parse_matrix("1, 2, 3", "p", rows, columns);
      }
    catch (const InputError &e)
      {
        return std::string(e.what());
      }
    return std::string("no error");
  };
  EXPECT_EQ(message(0, 2),
            "parameter 'p': expected a matrix with 2 columns, found 1 x 3");
  EXPECT_EQ(message(2, 0),
            "parameter 'p': expected a matrix with 2 rows, found 1 x 3");
  EXPECT_EQ(message(2, 3),
            "parameter 'p': expected a 2 x 3 matrix, found 1 x 3");
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
  throws_naming([] { parse_vector("1, 1e400", "Mesh/Lower corner"); },
                "overflow");
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
