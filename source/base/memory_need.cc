#include <kwfp/base/errors.h>
#include <kwfp/base/memory_need.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace kwfp
{
  namespace
  {
    /// The first number in @p path (0 if it cannot be read or is "max").
    std::uint64_t
    read_number(const std::string &path)
    {
      std::ifstream in(path);
      std::uint64_t value = 0;
      if (in >> value)
        return value;
      return 0;
    }

    /// The value of @p key in the "key value" lines of @p path (0 if absent).
    std::uint64_t
    read_stat(const std::string &path, const std::string &key)
    {
      std::ifstream in(path);
      std::string   name;
      std::uint64_t value = 0;
      while (in >> name >> value)
        if (name == key)
          return value;
      return 0;
    }

    /// limit - (used - inactive file cache), which the kernel reclaims
    /// before it ends a process (as docker and the kubelet count it).
    std::uint64_t
    room(const std::uint64_t limit,
         const std::uint64_t used,
         const std::uint64_t inactive_file)
    {
      const std::uint64_t in_use =
        used > inactive_file ? used - inactive_file : 0;
      return limit > in_use ? limit - in_use : 1;
    }

    /// The room under a control group's memory limit, or 0 if none is set.
    std::uint64_t
    room_under_cgroup_limit()
    {
      const std::uint64_t limit_v2 = read_number("/sys/fs/cgroup/memory.max");
      if (limit_v2 > 0)
        return room(limit_v2,
                    read_number("/sys/fs/cgroup/memory.current"),
                    read_stat("/sys/fs/cgroup/memory.stat", "inactive_file"));
      const std::uint64_t limit_v1 =
        read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
      // v1 reports "no limit" as a number near 2^63
      if (limit_v1 > 0 && limit_v1 < (std::uint64_t(1) << 62))
        return room(limit_v1,
                    read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes"),
                    read_stat("/sys/fs/cgroup/memory/memory.stat",
                              "total_inactive_file"));
      return 0;
    }
  } // namespace


  std::uint64_t
  available_memory()
  {
    std::uint64_t available = 0;
    std::ifstream meminfo("/proc/meminfo");
    std::string   key;
    while (meminfo >> key)
      {
        std::uint64_t kilobytes = 0;
        meminfo >> kilobytes;
        meminfo.ignore(256, '\n');
        if (key == "MemAvailable:")
          {
            available = kilobytes * 1024;
            break;
          }
      }
    const std::uint64_t room = room_under_cgroup_limit();
    if (room > 0)
      available = available > 0 ? std::min(available, room) : room;
    return available;
  }


  void
  check_memory_need(const double       bytes,
                    const MPI_Comm     communicator,
                    const std::string &parameter,
                    const std::string &what)
  {
    // the ranks that share this machine's memory
    MPI_Comm node;
    MPI_Comm_split_type(
      communicator, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int on_node = 1;
    MPI_Comm_size(node, &on_node);
    MPI_Comm_free(&node);
    const double n_ranks =
      dealii::Utilities::MPI::n_mpi_processes(communicator);
    const double need      = bytes / n_ranks * on_node;
    const double available = static_cast<double>(available_memory());
    const bool   too_much  = available > 0 && !(need <= available);
    if (dealii::Utilities::MPI::max(too_much ? 1 : 0, communicator) == 0)
      return;
    std::ostringstream reason;
    reason.precision(3);
    reason << what << " needs at least " << bytes / 1e9 << " GB (" << need / 1e9
           << " GB on each machine for its " << on_node
           << " rank(s)), more than the " << available / 1e9
           << " GB available there; lower it, or run on more machines";
    throw InputError(parameter, reason.str());
  }
} // namespace kwfp
