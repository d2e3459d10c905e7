// The registry of named forward models and the loader of plugin libraries
// ('Additional shared libraries'); the out-of-tree plugin itself is
// cli.plugin_out_of_tree.

#include <kwfp/base/errors.h>
#include <kwfp/base/shared_libraries.h>
#include <kwfp/forward_model/forward_model_factory.h>
#include <kwfp/forward_model/linear_forward_model.h>

#include <gtest/gtest.h>

using namespace kwfp;

namespace
{
  std::shared_ptr<const ForwardModel>
  identity(const ForwardModelSettings &s)
  {
    DenseMatrix A(s.dimension, s.dimension);
    for (unsigned int i = 0; i < s.dimension; ++i)
      A(i, i) = 1;
    return std::make_shared<LinearForwardModel>(A);
  }
} // namespace

TEST(ForwardModelRegistry, ClashesAreRecordedNotThrown)
{
  forward_model_registry::take_errors();
  // a built-in name, a reserved one, an empty one: refused, recorded
  EXPECT_FALSE(forward_model_registry::add("elliptic-1d", "", identity));
  EXPECT_FALSE(forward_model_registry::add("external", "", identity));
  EXPECT_FALSE(forward_model_registry::add("", "", identity));
  EXPECT_TRUE(forward_model_registry::add("unit-test-identity", "", identity));
  EXPECT_FALSE(forward_model_registry::add("unit-test-identity", "", identity));
  const auto errors = forward_model_registry::take_errors();
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_NE(errors[0].find("'elliptic-1d'"), std::string::npos);
  EXPECT_NE(errors[3].find("'unit-test-identity'"), std::string::npos);
  EXPECT_TRUE(forward_model_registry::take_errors().empty());
  // the first registration stands and builds the model
  ForwardModelSettings settings;
  settings.dimension = 3;
  const auto model =
    forward_model_registry::create("unit-test-identity", settings);
  EXPECT_EQ(model->dimension(), 3u);
  EXPECT_EQ(model->n_data(), 3u);
}

TEST(SharedLibraries, AMissingLibraryNamesTheParameterAndTheFile)
{
  forward_model_registry::take_errors();
  try
    {
      load_shared_libraries({"", "/nonexistent/kwfp_plugin.so"});
      FAIL() << "no InputError";
    }
  catch (const InputError &e)
    {
      const std::string what = e.what();
      EXPECT_NE(what.find("Additional shared libraries"), std::string::npos)
        << what;
      EXPECT_NE(what.find("/nonexistent/kwfp_plugin.so"), std::string::npos)
        << what;
    }
  // no library: nothing to do
  EXPECT_NO_THROW(load_shared_libraries({}));
}

TEST(SharedLibraries, ACompiledInClashIsAnInternalError)
{
  forward_model_registry::take_errors();
  EXPECT_FALSE(forward_model_registry::add("linear", "", identity));
  EXPECT_THROW(load_shared_libraries({}), std::logic_error);
  EXPECT_TRUE(forward_model_registry::take_errors().empty());
}
