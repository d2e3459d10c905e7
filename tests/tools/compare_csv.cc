// compare_csv A.csv B.csv RTOL ATOL
// Exit 0 when both files have the same header and number of rows and every
// number agrees: |a - b| <= RTOL * max(|a|, |b|) + ATOL. Prints the worst
// entry. Used by the MPI test (1 rank against 2 ranks).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace
{
  std::vector<std::string>
  split(const std::string &line)
  {
    std::vector<std::string> fields;
    std::stringstream        s(line);
    std::string              f;
    while (std::getline(s, f, ','))
      fields.push_back(f);
    return fields;
  }
} // namespace

int
main(int argc, char **argv)
{
  if (argc != 5)
    {
      std::cerr << "usage: compare_csv A.csv B.csv RTOL ATOL\n";
      return 2;
    }
  std::ifstream a(argv[1]), b(argv[2]);
  if (!a || !b)
    {
      std::cerr << "compare_csv: cannot open the files\n";
      return 2;
    }
  const double rtol = std::atof(argv[3]), atol = std::atof(argv[4]);
  std::string  la, lb;
  std::getline(a, la);
  std::getline(b, lb);
  if (la != lb)
    {
      std::cerr << "compare_csv: headers differ\n";
      return 1;
    }
  const auto  names = split(la);
  double      worst = 0;
  std::string where;
  unsigned    rows = 0;
  while (true)
    {
      const bool ga = static_cast<bool>(std::getline(a, la));
      const bool gb = static_cast<bool>(std::getline(b, lb));
      if (ga != gb)
        {
          std::cerr << "compare_csv: different numbers of rows\n";
          return 1;
        }
      if (!ga)
        break;
      ++rows;
      const auto fa = split(la), fb = split(lb);
      if (fa.size() != names.size() || fb.size() != names.size())
        {
          std::cerr << "compare_csv: ragged row " << rows << "\n";
          return 1;
        }
      for (unsigned int i = 0; i < fa.size(); ++i)
        {
          const double x = std::atof(fa[i].c_str()),
                       y = std::atof(fb[i].c_str());
          if (!std::isfinite(x) || !std::isfinite(y))
            {
              std::cerr << "compare_csv: non-finite value in " << names[i]
                        << "\n";
              return 1;
            }
          const double excess =
            std::abs(x - y) /
            (rtol * std::max(std::abs(x), std::abs(y)) + atol);
          if (excess > worst)
            {
              worst = excess;
              where = names[i] + " row " + std::to_string(rows) + ": " + fa[i] +
                      " vs " + fb[i];
            }
        }
    }
  std::cout << "compare_csv: " << rows << " rows; worst entry at " << worst
            << " of the tolerance (" << where << ")\n";
  return worst <= 1 ? 0 : 1;
}
