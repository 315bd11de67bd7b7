#include "core/propagation/registry.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <string>

namespace covsim {

void ModelRegistry::add(std::unique_ptr<PropagationModel> model) {
    if (find(model->name()) != nullptr) {
        throw Error(ErrorCode::internal,
                    "propagation model '" + std::string(model->name()) + "' registered twice");
    }
    const auto pos = std::lower_bound(models_.begin(), models_.end(), model->name(),
                                      [](const std::unique_ptr<PropagationModel>& m,
                                         std::string_view n) { return m->name() < n; });
    models_.insert(pos, std::move(model));
}

const PropagationModel* ModelRegistry::find(std::string_view name) const noexcept {
    for (const auto& m : models_) {
        if (m->name() == name) {
            return m.get();
        }
    }
    return nullptr;
}

std::vector<std::string_view> ModelRegistry::names() const {
    std::vector<std::string_view> out;
    out.reserve(models_.size());
    for (const auto& m : models_) {
        out.push_back(m->name());
    }
    return out;
}

const ModelRegistry& model_registry() {
    static const ModelRegistry registry = [] {
        ModelRegistry r;
        register_builtin_models(r);
        return r;
    }();
    return registry;
}

} // namespace covsim
