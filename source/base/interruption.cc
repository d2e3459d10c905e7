#include <kwfp/base/interruption.h>

#include <deal.II/base/mpi.h>

#include <csignal>

namespace kwfp
{
  namespace
  {
    volatile std::sig_atomic_t received_signal = 0;

    extern "C" void
    record_signal(const int signal)
    {
      received_signal = signal;
    }
  } // namespace


  void
  install_interruption_handlers()
  {
    std::signal(SIGINT, record_signal);
    std::signal(SIGTERM, record_signal);
  }


  int
  interruption_signal(const MPI_Comm communicator)
  {
    return dealii::Utilities::MPI::max(static_cast<int>(received_signal),
                                       communicator);
  }
} // namespace kwfp
