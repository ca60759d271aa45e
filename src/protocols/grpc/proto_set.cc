// ProtoSet: loading .proto files through a disk source tree whose reads are bounded.
#include "protocols/grpc/proto_set.h"

#include <fmt/format.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/read_file.h"

namespace perfgate::protocols::grpc {
namespace {

namespace pb = google::protobuf;

// An input stream over a string it owns.
class OwnedStringStream final : public pb::io::ZeroCopyInputStream {
 public:
  explicit OwnedStringStream(std::string text)
      : text_(std::move(text)), stream_(text_.data(), static_cast<int>(text_.size())) {}
  bool Next(const void** data, int* size) override { return stream_.Next(data, size); }
  void BackUp(int count) override { stream_.BackUp(count); }
  bool Skip(int count) override { return stream_.Skip(count); }
  int64_t ByteCount() const override { return stream_.ByteCount(); }

 private:
  std::string text_;
  pb::io::ArrayInputStream stream_;
};

// DiskSourceTree's path mapping, with every read through read_file_bounded and a cap on the
// number of files opened.
class BoundedSourceTree final : public pb::compiler::SourceTree {
 public:
  pb::compiler::DiskSourceTree& disk() { return disk_; }

  pb::io::ZeroCopyInputStream* Open(const std::string& filename) override {
    std::string disk_file;
    if (!disk_.VirtualFileToDiskFile(filename, &disk_file)) {
      error_ = "file not found";
      return nullptr;
    }
    if (++opened_ > kMaxProtoFiles) {
      error_ = fmt::format("more than {} .proto files", kMaxProtoFiles);
      return nullptr;
    }
    auto text = read_file_bounded(disk_file, kMaxProtoFileBytes, ".proto file");
    if (!text) {
      error_ = text.error().message;
      return nullptr;
    }
    return new OwnedStringStream(std::move(*text));
  }
  std::string GetLastErrorMessage() override { return error_; }

 private:
  pb::compiler::DiskSourceTree disk_;
  std::string error_;
  int opened_ = 0;
};

// Collects errors 1-based; protobuf reports 0-based lines and columns, -1 when unknown.
class Collector final : public pb::compiler::MultiFileErrorCollector {
 public:
  explicit Collector(std::vector<ProtoError>* errors) : errors_(errors) {}
  void AddError(const std::string& file, int line, int column,
                const std::string& message) override {
    auto shown = display_.find(file);
    if (errors_->size() < 100) {
      errors_->push_back(
          {shown == display_.end() ? file : shown->second, line + 1, column + 1, message});
    }
  }
  // Errors in `virtual_name` name the file as the user wrote it.
  void show_as(const std::string& virtual_name, const std::string& path) {
    display_[virtual_name] = path;
  }

 private:
  std::vector<ProtoError>* errors_;
  std::map<std::string, std::string> display_;
};

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path, ec).lexically_normal();
  return ec ? path : abs.string();
}

}  // namespace

std::string ProtoError::describe() const {
  if (line <= 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

ProtoSet::ProtoSet() = default;
ProtoSet::~ProtoSet() = default;

Result<std::shared_ptr<const ProtoSet>> ProtoSet::load(const std::vector<std::string>& files,
                                                       const std::vector<std::string>& import_paths,
                                                       std::vector<ProtoError>* errors) {
  std::shared_ptr<ProtoSet> set(new ProtoSet());
  auto tree = std::make_unique<BoundedSourceTree>();
  for (const std::string& path : import_paths) tree->disk().MapPath("", absolute(path));
  for (const std::string& file : files) {
    tree->disk().MapPath("", std::filesystem::path(absolute(file)).parent_path().string());
  }
  auto collector = std::make_unique<Collector>(errors);
  std::vector<std::string> virtual_names;
  for (const std::string& file : files) {
    std::string name, shadowing;
    if (tree->disk().DiskFileToVirtualFile(absolute(file), &name, &shadowing) !=
        pb::compiler::DiskSourceTree::SUCCESS) {
      errors->push_back({file, 0, 0, "cannot read the .proto file (missing, or shadowed)"});
      continue;
    }
    collector->show_as(name, file);
    virtual_names.push_back(name);
  }
  if (!errors->empty()) return make_error(errors->front().describe());
  set->importer_ = std::make_unique<pb::compiler::Importer>(tree.get(), collector.get());
  set->tree_ = std::move(tree);
  set->collector_ = std::move(collector);
  for (const std::string& name : virtual_names) {
    const pb::FileDescriptor* file = set->importer_->Import(name);
    if (file == nullptr) {
      if (errors->empty()) errors->push_back({name, 0, 0, "cannot be imported"});
      continue;
    }
    for (int i = 0; i < file->service_count(); ++i)
      set->services_.push_back(file->service(i)->full_name());
  }
  if (!errors->empty()) {
    // An import that is not found is reported without a place, then at the import line: the
    // placed errors first.
    std::stable_partition(errors->begin(), errors->end(),
                          [](const ProtoError& e) { return e.line > 0; });
    return make_error(errors->front().describe(), "the file must compile with protoc");
  }
  set->pool_ = set->importer_->pool();
  set->factory_ = std::make_unique<pb::DynamicMessageFactory>(set->pool_);
  return std::shared_ptr<const ProtoSet>(std::move(set));
}

namespace {

// Errors of a pool built from FileDescriptorProtos: they have no line, only a file and an element.
// The pool keeps a pointer to it, so the set owns it, and it owns what it collects.
class PoolCollector final : public pb::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& file, const std::string& element, const pb::Message*,
                ErrorLocation, const std::string& message) override {
    if (errors.size() < 100) {
      errors.push_back(
          {file, 0, 0, element.empty() ? message : fmt::format("{}: {}", element, message)});
    }
  }
  std::vector<ProtoError> errors;
};

}  // namespace

Result<std::shared_ptr<const ProtoSet>> ProtoSet::from_descriptors(
    const std::vector<std::string>& serialized, std::vector<ProtoError>* errors) {
  if (serialized.size() > static_cast<size_t>(kMaxProtoFiles)) {
    return make_error(fmt::format("more than {} .proto files", kMaxProtoFiles));
  }
  std::shared_ptr<ProtoSet> set(new ProtoSet());
  set->database_ = std::make_unique<pb::SimpleDescriptorDatabase>();
  std::vector<std::string> names;
  for (const std::string& bytes : serialized) {
    pb::FileDescriptorProto file;
    if (!file.ParseFromString(bytes) || file.name().empty()) {
      errors->push_back({"(descriptor)", 0, 0, "a file descriptor that does not parse"});
      continue;
    }
    names.push_back(file.name());
    if (!set->database_->Add(file)) errors->push_back({file.name(), 0, 0, "sent twice"});
  }
  if (!errors->empty()) return make_error(errors->front().describe());
  auto collector = std::make_unique<PoolCollector>();
  set->own_pool_ = std::make_unique<pb::DescriptorPool>(set->database_.get(), collector.get());
  for (const std::string& name : names) {
    const pb::FileDescriptor* file = set->own_pool_->FindFileByName(name);
    errors->insert(errors->end(), collector->errors.begin(), collector->errors.end());
    collector->errors.clear();
    if (file == nullptr) {
      if (errors->empty()) errors->push_back({name, 0, 0, "does not build (a missing import?)"});
      continue;
    }
    for (int i = 0; i < file->service_count(); ++i)
      set->services_.push_back(file->service(i)->full_name());
  }
  if (!errors->empty()) return make_error(errors->front().describe());
  std::sort(set->services_.begin(), set->services_.end());
  set->pool_errors_ = std::move(collector);
  set->pool_ = set->own_pool_.get();
  set->factory_ = std::make_unique<pb::DynamicMessageFactory>(set->pool_);
  return std::shared_ptr<const ProtoSet>(std::move(set));
}

const google::protobuf::Message* ProtoSet::prototype(
    const google::protobuf::Descriptor* type) const {
  return factory_->GetPrototype(type);
}

}  // namespace perfgate::protocols::grpc
