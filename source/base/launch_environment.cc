#include <kwfp/base/launch_environment.h>

#include <string>
#include <vector>

extern char **environ;

namespace kwfp
{
  namespace
  {
    /// The recorded "NAME=value" strings and the pointers to them.
    struct RecordedEnvironment
    {
      bool                     recorded = false;
      std::vector<std::string> entries;
      std::vector<char *>      pointers;
    };

    RecordedEnvironment &
    recorded_environment()
    {
      static RecordedEnvironment environment;
      return environment;
    }
  } // namespace


  void
  record_launch_environment()
  {
    RecordedEnvironment &e = recorded_environment();
    e.entries.clear();
    for (char **entry = environ; entry != nullptr && *entry != nullptr; ++entry)
      e.entries.emplace_back(*entry);
    e.pointers.clear();
    for (std::string &entry : e.entries)
      e.pointers.push_back(entry.data());
    e.pointers.push_back(nullptr);
    e.recorded = true;
  }


  char *const *
  launch_environment()
  {
    RecordedEnvironment &e = recorded_environment();
    return e.recorded ? e.pointers.data() : environ;
  }
} // namespace kwfp
