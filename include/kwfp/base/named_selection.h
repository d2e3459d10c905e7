#ifndef kwfp_base_named_selection_h
#define kwfp_base_named_selection_h

#include <kwfp/base/errors.h>

#include <deal.II/base/parameter_handler.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace kwfp
{
  /**
   * @brief The names of an enumeration in parameter files: the pattern for
   * `Patterns::Selection` and the one place that turns a name into the enum.
   *
   * A name that is not listed is an InputError that names the parameter and
   * the admissible names (never a silent default).
   */
  template <typename Enum>
  class NamedSelection
  {
  public:
    /// The admissible (name, value) pairs, in the order the manual lists them.
    NamedSelection(std::initializer_list<std::pair<const char *, Enum>> pairs)
    {
      for (const auto &[name, value] : pairs)
        entries.emplace_back(name, value);
    }

    /// "name1|name2|...", for Patterns::Selection.
    std::string
    pattern() const
    {
      std::string p;
      for (const auto &e : entries)
        p += (p.empty() ? "" : "|") + e.first;
      return p;
    }

    /// Declare the entry @p entry of @p prm with the default @p default_name,
    /// these names as its Patterns::Selection and @p documentation.
    void
    declare(dealii::ParameterHandler &prm,
            const std::string        &entry,
            const std::string        &default_name,
            const std::string        &documentation) const
    {
      prm.declare_entry(entry,
                        default_name,
                        dealii::Patterns::Selection(pattern()),
                        documentation);
    }

    /// The value named @p name; InputError for @p parameter otherwise.
    Enum
    parse(const std::string &name, const std::string &parameter) const
    {
      for (const auto &e : entries)
        if (e.first == name)
          return e.second;
      throw InputError(parameter,
                       "unknown value '" + name +
                         "'; admissible: " + pattern());
    }

    /// The name of @p value as written in parameter files.
    const std::string &
    name(const Enum value) const
    {
      for (const auto &e : entries)
        if (e.second == value)
          return e.first;
      throw std::logic_error("NamedSelection: a value without a name");
    }

  private:
    std::vector<std::pair<std::string, Enum>> entries;
  };
} // namespace kwfp

#endif
