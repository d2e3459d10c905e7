#ifndef kwfp_base_time_grid_h
#define kwfp_base_time_grid_h

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace kwfp
{
  /**
   * @brief n equal steps of [0, T]: t_k = k T / n, with t_n = T exactly.
   *
   * n = ceil(T / dt - 1e-9): the smallest count whose step T / n does not
   * exceed the requested dt, where a ratio T / dt within 1e-9 above an
   * integer counts as that integer (T = 1, dt = 0.1 gives 10 steps).
   * The last step is decided by counting, never by comparing t_k with T:
   * k * (T / n) rounds below T for about 4 % of the pairs (T, n), e.g.
   * 3 * 0.3 = 0.8999999999999999.
   */
  class FixedTimeGrid
  {
  public:
    FixedTimeGrid() = default;

    /// The grid for final time @p final_time > 0 and requested step
    /// @p requested_step > 0.
    FixedTimeGrid(const double final_time, const double requested_step)
      : T(final_time)
    {
      if (!(final_time > 0) || !(requested_step > 0) ||
          !std::isfinite(final_time / requested_step))
        throw std::invalid_argument(
          "FixedTimeGrid: the final time and the step must be positive");
      const double ratio = std::ceil(final_time / requested_step - 1e-9);
      n                  = static_cast<std::uint64_t>(std::max(1., ratio));
      h                  = final_time / static_cast<double>(n);
    }

    /// Number of steps n.
    std::uint64_t
    n_steps() const
    {
      return n;
    }

    /// The step T / n.
    double
    step() const
    {
      return h;
    }

    /// t_k: k T / n for k < n, and T for k = n.
    double
    time(const std::uint64_t k) const
    {
      return k >= n ? T : static_cast<double>(k) * h;
    }

    /// Is step @p k the last one (t_k = T)?
    bool
    is_last(const std::uint64_t k) const
    {
      return k == n;
    }

  private:
    double        T = 0;
    std::uint64_t n = 0;
    double        h = 0;
  };
} // namespace kwfp

#endif
