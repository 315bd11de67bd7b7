#pragma once
// The page of covsim's web viewer (io/web_viewer): index.html with its style and script, which
// draws what `config_json` lists (io/web_viewer.cpp, viewer_config) with Leaflet from web/leaflet/.

#include <string>

namespace covsim::io {

std::string viewer_page(const std::string& title, const std::string& config_json);

} // namespace covsim::io
