# Script mode (cmake -P): writes OUTPUT from INPUT with the current git commit.
set(COVSIM_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
    execute_process(
        COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
        WORKING_DIRECTORY "${SOURCE_DIR}"
        OUTPUT_VARIABLE commit
        OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE rc
        ERROR_QUIET)
    if(rc EQUAL 0 AND commit)
        set(COVSIM_GIT_COMMIT "${commit}")
        execute_process(
            COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
            WORKING_DIRECTORY "${SOURCE_DIR}"
            OUTPUT_VARIABLE dirty
            OUTPUT_STRIP_TRAILING_WHITESPACE
            ERROR_QUIET)
        if(dirty)
            string(APPEND COVSIM_GIT_COMMIT "-dirty")
        endif()
    endif()
endif()
configure_file("${INPUT}" "${OUTPUT}" @ONLY)
