#include <kwfp/base/errors.h>
#include <kwfp/particles/initial_ensemble.h>
#include <kwfp/particles/random_stream.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace kwfp
{
  DenseMatrix
  read_ensemble_csv(const std::string &filename, const unsigned int d)
  {
    const std::string parameter = "Initial density/Ensemble file";
    std::ifstream     file(filename);
    if (!file)
      throw InputError(parameter, "cannot open '" + filename + "'");
    std::vector<double> values;
    std::string         line;
    unsigned int        line_number = 0, rows = 0;
    while (std::getline(file, line))
      {
        ++line_number;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
          continue;
        std::vector<double> row;
        std::stringstream   stream(line);
        std::string         entry;
        bool                numeric = true;
        while (std::getline(stream, entry, ','))
          {
            try
              {
                std::size_t used = 0;
                row.push_back(std::stod(entry, &used));
                if (entry.find_first_not_of(" \t\r", used) != std::string::npos)
                  numeric = false;
              }
            catch (const std::exception &)
              {
                numeric = false;
              }
          }
        if (!numeric && rows == 0 && values.empty())
          continue; // header
        if (!numeric || row.size() != d)
          throw InputError(parameter,
                           "'" + filename + "' line " +
                             std::to_string(line_number) + ": expected " +
                             std::to_string(d) + " numbers separated by ','");
        for (const double x : row)
          if (!std::isfinite(x))
            throw InputError(parameter,
                             "'" + filename + "' line " +
                               std::to_string(line_number) +
                               ": not a finite number");
        values.insert(values.end(), row.begin(), row.end());
        ++rows;
      }
    if (rows == 0)
      throw InputError(parameter, "'" + filename + "' holds no particles");
    DenseMatrix U(rows, d);
    std::copy(values.begin(), values.end(), U.begin());
    return U;
  }


  void
  draw_initial_ensemble(const InitialDensityParameters &initial_density,
                        const ParticleParameters       &particles,
                        Ensemble                       &ensemble)
  {
    // Either the initial density or the particles' own product law.
    InitialDensityParameters own;
    if (!particles.initial_coordinates.empty())
      {
        own.type        = InitialDensityType::product;
        own.coordinates = particles.initial_coordinates;
      }
    const auto &p =
      particles.initial_coordinates.empty() ? initial_density : own;
    const unsigned int d    = ensemble.dimension();
    const auto         seed = particles.settings.seed;
    DenseMatrix        from_file;
    DenseMatrix        L;
    if (p.type == InitialDensityType::file)
      {
        from_file = read_ensemble_csv(p.ensemble_file, d);
        if (from_file.m() != ensemble.initial_size())
          throw InputError("Particles/Ensemble size",
                           "is " + std::to_string(ensemble.initial_size()) +
                             " but '" + p.ensemble_file + "' holds " +
                             std::to_string(from_file.m()) + " particles");
      }
    else if (p.type == InitialDensityType::gaussian)
      L = cholesky_factor(p.covariance);
    else if (p.type != InitialDensityType::product)
      throw InputError("Initial density/Type",
                       "the particles cannot be drawn from '" +
                         initial_density_selection().name(p.type) +
                         "'; use Gaussian, product or file");

    for (ParticleBlock &block : ensemble.blocks())
      for (unsigned int j = 0; j < block.size(); ++j)
        {
          RandomStream stream(seed,
                              block.index[j],
                              RandomPurpose::initial_ensemble,
                              0);
          if (p.type == InitialDensityType::file)
            for (unsigned int i = 0; i < d; ++i)
              block.positions(j, i) = from_file(block.index[j], i);
          else if (p.type == InitialDensityType::gaussian)
            {
              std::vector<double> z(d);
              for (double &x : z)
                x = stream.normal();
              for (unsigned int i = 0; i < d; ++i)
                {
                  double u = p.mean[i];
                  for (unsigned int k = 0; k <= i; ++k)
                    u += L(i, k) * z[k];
                  block.positions(j, i) = u;
                }
            }
          else
            for (unsigned int i = 0; i < d; ++i)
              {
                const auto &c         = p.coordinates[i];
                block.positions(j, i) = c.uniform ?
                                          c.a + (c.b - c.a) * stream.uniform() :
                                          c.a + c.b * stream.normal();
              }
        }
  }
} // namespace kwfp
