#include <kwfp/base/errors.h>
#include <kwfp/base/memory_need.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

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

    /// The room under the limit of the control group directory @p dir (v2
    /// files when @p v2, else v1), or 0 if it sets none or does not exist.
    std::uint64_t
    room_in_group(const std::string &dir, const bool v2)
    {
      if (v2)
        {
          const std::uint64_t limit = read_number(dir + "/memory.max");
          return limit > 0 ?
                   room(limit,
                        read_number(dir + "/memory.current"),
                        read_stat(dir + "/memory.stat", "inactive_file")) :
                   0;
        }
      const std::uint64_t limit = read_number(dir + "/memory.limit_in_bytes");
      // v1 reports "no limit" as a number near 2^63
      return limit > 0 && limit < (std::uint64_t(1) << 62) ?
               room(limit,
                    read_number(dir + "/memory.usage_in_bytes"),
                    read_stat(dir + "/memory.stat", "total_inactive_file")) :
               0;
    }
  } // namespace


  std::uint64_t
  cgroup_memory_room(const std::string &self_cgroup,
                     const std::string &mountinfo)
  {
    // The process's groups: "0::PATH" (v2), "N:...memory...:PATH" (v1).
    std::istringstream lines(self_cgroup);
    std::string        line, v1_path, v2_path;
    bool               has_v1 = false, has_v2 = false;
    while (std::getline(lines, line))
      {
        const auto first = line.find(':');
        const auto second =
          first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos)
          continue;
        const std::string controllers =
          line.substr(first + 1, second - first - 1);
        const std::string path = line.substr(second + 1);
        if (line.compare(0, first, "0") == 0 && controllers.empty())
          has_v2 = true, v2_path = path;
        std::istringstream list(controllers);
        for (std::string c; std::getline(list, c, ',');)
          if (c == "memory")
            has_v1 = true, v1_path = path;
      }
    // Where the hierarchies are mounted, and which of their groups is the
    // mount's root ("ID PARENT MAJ:MIN ROOT MOUNT_POINT ... - TYPE SOURCE
    // OPTIONS"): the v2 one, and the v1 one with the memory controller.
    std::string        v2_mount, v2_root = "/", v1_mount, v1_root = "/";
    std::istringstream mounts(mountinfo);
    while (std::getline(mounts, line))
      {
        const auto dash = line.find(" - ");
        if (dash == std::string::npos)
          continue;
        std::istringstream before(line.substr(0, dash)),
          after(line.substr(dash + 3));
        std::string id, parent, device, root, mount_point, type, source,
          options;
        if (!(before >> id >> parent >> device >> root >> mount_point) ||
            !(after >> type >> source >> options))
          continue;
        std::istringstream option_list(options);
        bool               memory = false;
        for (std::string o; std::getline(option_list, o, ',');)
          memory = memory || o == "memory";
        if (type == "cgroup2" && v2_mount.empty())
          v2_mount = mount_point, v2_root = root;
        else if (type == "cgroup" && memory && v1_mount.empty())
          v1_mount = mount_point, v1_root = root;
      }
    if (mountinfo.empty()) // the usual places
      v2_mount = "/sys/fs/cgroup", v1_mount = "/sys/fs/cgroup/memory";

    // Every level from the group up to the mount's root (a level that is
    // not visible, as inside a container's namespace, is passed over): the
    // smallest room under any limit.
    std::uint64_t smallest = 0;
    const auto    walk     = [&](const std::string &mount,
                          const std::string &root,
                          std::string        path,
                          const bool         v2) {
      // the group's path below the mount's root
      if (root != "/" && path.compare(0, root.size(), root) == 0 &&
          (path.size() == root.size() || path[root.size()] == '/'))
        path = path.substr(root.size());
      while (true)
        {
          while (path.size() > 1 && path.back() == '/')
            path.pop_back();
          const bool          top = path == "/" || path.empty();
          const std::uint64_t r = room_in_group(top ? mount : mount + path, v2);
          if (r > 0)
            smallest = smallest > 0 ? std::min(smallest, r) : r;
          if (top)
            return;
          const auto slash = path.rfind('/');
          path             = slash == 0 || slash == std::string::npos ?
                                      std::string("/") :
                                      path.substr(0, slash);
        }
    };
    if (!v2_mount.empty())
      walk(v2_mount, v2_root, has_v2 ? v2_path : "/", true);
    if (!v1_mount.empty())
      walk(v1_mount, v1_root, has_v1 ? v1_path : "/", false);
    return smallest;
  }


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
    const auto read_all = [](const std::string &path) {
      std::ifstream      in(path);
      std::ostringstream text;
      if (in)
        text << in.rdbuf();
      return text.str();
    };
    const std::uint64_t room =
      cgroup_memory_room(read_all("/proc/self/cgroup"),
                         read_all("/proc/self/mountinfo"));
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
    // The figures of the rank that lacks the most (its machine's need over
    // what is available there), not those of the rank that prints.
    const std::vector<std::array<double, 4>> all =
      dealii::Utilities::MPI::all_gather(communicator,
                                         std::array<double, 4>{
                                           {too_much ? need / available : 0.,
                                            need,
                                            available,
                                            double(on_node)}});
    const auto         worst = *std::max_element(all.begin(),
                                         all.end(),
                                         [](const auto &a, const auto &b) {
                                           return a[0] < b[0];
                                         });
    std::ostringstream reason;
    reason.precision(3);
    reason << what << " needs at least " << bytes / 1e9 << " GB ("
           << worst[1] / 1e9 << " GB on a machine for its " << worst[3]
           << " rank(s)), more than the " << worst[2] / 1e9
           << " GB available there; lower it, or run on more machines";
    throw InputError(parameter, reason.str());
  }
} // namespace kwfp
