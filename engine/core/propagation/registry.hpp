#pragma once
// The model registry: every propagation model covsim knows, by name. The CLI (`covsim models`),
// the scenario validator and the engine all look models up here; nobody keeps a second list.

#include "core/propagation/model.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace covsim {

class ModelRegistry {
public:
    void add(std::unique_ptr<PropagationModel> model);
    [[nodiscard]] const PropagationModel* find(std::string_view name) const noexcept;
    // Sorted by name.
    [[nodiscard]] const std::vector<std::unique_ptr<PropagationModel>>& models() const noexcept {
        return models_;
    }
    [[nodiscard]] std::vector<std::string_view> names() const;

private:
    std::vector<std::unique_ptr<PropagationModel>> models_;
};

// The registry with all built-in models, built on first use.
const ModelRegistry& model_registry();

// Adds the built-in models (builtin_models.cpp).
void register_builtin_models(ModelRegistry& registry);

} // namespace covsim
