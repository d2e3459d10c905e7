#include <kwfp/base/errors.h>
#include <kwfp/output/output_directory.h>

#include <deal.II/base/mpi.h>

#include <filesystem>
#include <fstream>

namespace kwfp
{
  void
  prepare_output_directory(const std::string &directory,
                           const std::string &parameters_text,
                           const MPI_Comm     communicator)
  {
    // Rank 0 creates the directory and writes parameters.prm; every rank
    // learns whether that worked, so that all stop together if not.
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
      {
        std::error_code ec;
        std::filesystem::create_directories(directory, ec);
        if (ec)
          error =
            "cannot create directory '" + directory + "': " + ec.message();
        else
          {
            const std::string name = directory + "/parameters.prm";
            {
              std::ofstream out(name + ".tmp");
              out << parameters_text;
              out.flush();
              if (!out)
                error = "cannot write into directory '" + directory + "'";
            }
            if (error.empty() &&
                std::rename((name + ".tmp").c_str(), name.c_str()) != 0)
              error = "cannot write '" + name + "'";
            if (!error.empty())
              std::remove((name + ".tmp").c_str());
          }
      }
    error = dealii::Utilities::MPI::broadcast(communicator, error, 0);
    if (!error.empty())
      throw InputError("Output/Directory", error);
  }
} // namespace kwfp
