#include <kwfp/fokker_planck/kl_decay.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>

#include <array>
#include <cmath>
#include <cstdio>

namespace kwfp
{
  double
  fitted_decay_rate(const std::vector<double> &t,
                    const std::vector<double> &y,
                    const double               t_1,
                    const double               t_2)
  {
    double       st = 0, sy = 0, stt = 0, sty = 0;
    unsigned int n = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i] >= t_1 - 1e-12 && t[i] <= t_2 + 1e-12 && y[i] > 0)
        {
          const double ly = std::log(y[i]);
          st += t[i];
          sy += ly;
          stt += t[i] * t[i];
          sty += t[i] * ly;
          ++n;
        }
    if (n < 3)
      return std::numeric_limits<double>::quiet_NaN();
    return -(n * sty - st * sy) / (n * stt - st * st);
  }


  KlDecaySummary
  analyse_kl_decay(const std::vector<KlDecaySample> &history,
                   const double                      fit_begin,
                   const double                      fit_end,
                   const double                      hessian_bound,
                   const std::string                &filename,
                   const bool                        is_writer)
  {
    KlDecaySummary      summary;
    std::vector<double> t, kl, kl_exact;
    double              alpha = std::numeric_limits<double>::infinity();
    for (const KlDecaySample &row : history)
      {
        t.push_back(row.time);
        kl.push_back(row.kl);
        kl_exact.push_back(row.kl_exact);
        if (row.time >= fit_begin - 1e-12 && row.time <= fit_end + 1e-12)
          alpha = std::min(alpha, row.alpha);
      }
    summary.fitted_rate = fitted_decay_rate(t, kl, fit_begin, fit_end);
    if (!history.empty() && !std::isnan(history.front().kl_exact))
      summary.exact_rate = fitted_decay_rate(t, kl_exact, fit_begin, fit_end);
    if (std::isfinite(hessian_bound) && std::isfinite(alpha))
      summary.bound_rate = 2 * alpha * hessian_bound;

    std::vector<std::array<double, 4>> steps(history.size(), {{0, 0, 0, 0}});
    const double significant = 1e-8 * std::abs(history.front().kl);
    for (std::size_t n = 1; n < history.size(); ++n)
      {
        const KlDecaySample &a = history[n - 1], &b = history[n];
        const double         drop = a.kl - b.kl;
        const double         dissipation =
          0.5 * (b.time - a.time) * (a.kalman_fisher + b.kalman_fisher);
        const double defect   = std::abs(drop - dissipation);
        const double relative = defect / std::abs(drop);
        steps[n]              = {{drop, dissipation, defect, relative}};
        if (std::abs(drop) >= significant &&
            relative > summary.max_relative_defect)
          {
            summary.max_relative_defect = relative;
            summary.max_defect_step     = b.step;
          }
      }
    if (!is_writer)
      return summary;
    write_atomically(filename, [&](std::ostream &out) {
      out << "step,time,kl,kalman_fisher,kl_drop,dissipation,defect,"
             "relative_defect,fitted_rate,exact_rate,bound_rate\n";
      for (std::size_t n = 0; n < history.size(); ++n)
        {
          out << history[n].step;
          for (const double x : {history[n].time,
                                 history[n].kl,
                                 history[n].kalman_fisher,
                                 steps[n][0],
                                 steps[n][1],
                                 steps[n][2],
                                 steps[n][3],
                                 summary.fitted_rate,
                                 summary.exact_rate,
                                 summary.bound_rate})
            write_csv_number(out, x);
          out << '\n';
        }
    });
    return summary;
  }
} // namespace kwfp
