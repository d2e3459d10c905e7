#ifndef kwfp_output_atomic_file_h
#define kwfp_output_atomic_file_h

#include <kwfp/base/errors.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace kwfp
{
  /**
   * Write @p filename through a temporary file `filename.tmp` and rename it
   * into place, so that the file is complete at every moment. @p writer is
   * called with the open std::ostream. Throws RunFailure on an I/O error.
   */
  template <typename Writer>
  void
  write_atomically(const std::string &filename, const Writer &writer)
  {
    const std::string temporary = filename + ".tmp";
    {
      std::ofstream out(temporary);
      writer(out);
      out.flush();
      if (!out)
        throw RunFailure("cannot write '" + temporary + "'");
    }
    if (std::rename(temporary.c_str(), filename.c_str()) != 0)
      throw RunFailure("cannot rename '" + temporary + "' to '" + filename +
                       "'");
  }
} // namespace kwfp

#endif
