#include <kwfp/potential/quadratic_potential.h>

#include <stdexcept>

namespace kwfp
{
  namespace
  {
    /// Rows g_j = B^{-1} (u_j - u_0) of n points in dimension D (row-major
    /// n x D arrays; B^{-1} symmetric, D x D).
    template <int D>
    void
    small_gradients(const double     *U,
                    const std::size_t n,
                    const double     *u0,
                    const double     *B_inv,
                    double           *G)
    {
      for (std::size_t j = 0; j < n; ++j)
        {
          double e[D];
          for (int i = 0; i < D; ++i)
            e[i] = U[j * D + i] - u0[i];
          for (int k = 0; k < D; ++k)
            {
              double sum = 0;
              for (int i = 0; i < D; ++i)
                sum += e[i] * B_inv[i * D + k];
              G[j * D + k] = sum;
            }
        }
    }
  } // namespace

  QuadraticPotential::QuadraticPotential(const DenseVector &minimizer,
                                         const DenseMatrix &covariance)
    : u_0(minimizer)
    , B(covariance)
    , B_inverse(spd_inverse(covariance))
  {}


  double
  QuadraticPotential::value(const dealii::ArrayView<const double> &u) const
  {
    double q = 0;
    for (unsigned int i = 0; i < u_0.size(); ++i)
      for (unsigned int j = 0; j < u_0.size(); ++j)
        q += (u[i] - u_0[i]) * B_inverse(i, j) * (u[j] - u_0[j]);
    return 0.5 * q;
  }


  void
  QuadraticPotential::gradient(const dealii::ArrayView<const double> &u,
                               const dealii::ArrayView<double>       &g) const
  {
    for (unsigned int i = 0; i < u_0.size(); ++i)
      {
        double s = 0;
        for (unsigned int j = 0; j < u_0.size(); ++j)
          s += B_inverse(i, j) * (u[j] - u_0[j]);
        g[i] = s;
      }
  }


  void
  QuadraticPotential::gradients(const DenseMatrix &points,
                                DenseMatrix       &gradients) const
  {
    // rows (u_j - u_0)^T B^{-1} (B^{-1} is symmetric)
    const unsigned int d = u_0.size();
    const unsigned int n = points.m();
    if (gradients.m() != n || gradients.n() != d)
      gradients.reinit(n, d);
    if (n == 0)
      return;
    if (d <= 4)
      {
        // direct: no temporary matrix and no BLAS call for a 4 x 4 product
        double B_inv[16], u0[4];
        for (unsigned int i = 0; i < d; ++i)
          {
            u0[i] = u_0[i];
            for (unsigned int k = 0; k < d; ++k)
              B_inv[i * d + k] = B_inverse(i, k);
          }
        const double *U = &points(0, 0);
        double       *G = &gradients(0, 0);
        switch (d)
          {
            case 1:
              small_gradients<1>(U, n, u0, B_inv, G);
              break;
            case 2:
              small_gradients<2>(U, n, u0, B_inv, G);
              break;
            case 3:
              small_gradients<3>(U, n, u0, B_inv, G);
              break;
            default:
              small_gradients<4>(U, n, u0, B_inv, G);
          }
        return;
      }
    DenseMatrix deviations(points);
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int i = 0; i < d; ++i)
        deviations(j, i) -= u_0[i];
    deviations.mmult(gradients, B_inverse);
  }


  std::string
  QuadraticPotential::description() const
  {
    if (B.m() > 4)
      return "quadratic, posterior N(u_0, B) in d = " + std::to_string(B.m());
    return "quadratic, posterior N(u_0, B) with B = " + format_matrix(B);
  }
} // namespace kwfp
