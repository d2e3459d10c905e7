#ifndef kwfp_fokker_planck_rebuild_schedule_h
#define kwfp_fokker_planck_rebuild_schedule_h

#include <deal.II/base/exceptions.h>

namespace kwfp
{
  /**
   * @brief When to rebuild a preconditioner of a matrix that changes every
   * step, by the rule of renting or buying.
   *
   * A preconditioner built for an earlier matrix still works, at the price
   * of more GMRES iterations than right after its build. The schedule sums
   * these extra iterations over the solves since the last build and asks for
   * a rebuild once the sum reaches the price of a build, counted in
   * iterations: the total cost is then never more than twice that of the
   * best schedule chosen in hindsight. Counted in iterations rather than
   * seconds, it makes the same decisions in every run, so results and
   * restarts stay reproducible to the bit.
   */
  class RebuildSchedule
  {
  public:
    /// A build costs as much as @p price iterations (> 0).
    explicit RebuildSchedule(const double price = 1)
      : price(price)
    {
      Assert(price > 0, dealii::ExcMessage("the price must be positive"));
    }

    /// Is a rebuild due before the next solve?
    bool
    due() const
    {
      return excess >= price;
    }

    /// A solve with @p iterations; @p rebuilt: right after a build.
    void
    record(const unsigned int iterations, const bool rebuilt)
    {
      if (rebuilt)
        {
          after_build = iterations;
          excess      = 0;
        }
      else if (iterations > after_build)
        excess += iterations - after_build;
    }

    /// Change the price of a build (another preconditioner).
    void
    set_price(const double new_price)
    {
      Assert(new_price > 0, dealii::ExcMessage("the price must be positive"));
      price = new_price;
    }

    /// Write to or read from a checkpoint (CheckpointWriter/Reader).
    template <class Stream>
    void
    transfer(Stream &s)
    {
      s.io(after_build);
      s.io(excess);
    }

  private:
    double       price;
    unsigned int after_build = 0; ///< iterations of the solve after a build
    unsigned int excess      = 0; ///< iterations beyond it since
  };
} // namespace kwfp

#endif
