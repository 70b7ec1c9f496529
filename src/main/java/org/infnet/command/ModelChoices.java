package org.infnet.command;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.infnet.model.ModelLocator;
import org.scijava.command.DynamicCommand;
import org.scijava.module.MutableModuleItem;

/**
 * The model parameters of the commands as a choice of the installed models plus {@value #OTHER_FOLDER}, with a
 * folder parameter beside each that is read when that entry is chosen. Fiji's dialog shows the choice because the
 * command's initializer sets it ({@link #offer}); the plain ImageJ 1.x dialog asks {@link #choices} itself. A
 * macro may still give a model folder straight in the model key ({@code model=/path/to/model}): {@link #resolve}
 * accepts any value, the choice list is only what a dialog offers.
 *
 * <p>A model parameter names its folder parameter in the attribute {@value #FOLDER_ATTRIBUTE}.
 */
public final class ModelChoices {

    /** The choice that reads the folder parameter instead. */
    public static final String OTHER_FOLDER = "Other (model folder below)";

    /** Attribute of a model parameter: the name of its folder parameter. */
    public static final String FOLDER_ATTRIBUTE = "modelFolder";

    private ModelChoices() {}

    /** The installed models ({@link ModelLocator#available()}), then {@value #OTHER_FOLDER}. */
    public static List<String> choices() {
        List<String> c = new ArrayList<>(ModelLocator.available());
        c.add(OTHER_FOLDER);
        return c;
    }

    /**
     * Makes the command's String input {@code input} a choice of {@link #choices()}; a current value that is not a
     * listed name (a folder given by a macro) becomes {@value #OTHER_FOLDER} only in the dialog, never in a
     * value the command runs with, because a macro's values are set after the initializer.
     */
    static void offer(DynamicCommand command, String input) {
        MutableModuleItem<String> item = command.getInfo().getMutableInput(input, String.class);
        item.setChoices(choices());
    }

    /**
     * The model to open: the folder when {@value #OTHER_FOLDER} is chosen (which then must be given), else the chosen
     * name or the folder path given in its place.
     *
     * @throws IllegalArgumentException when {@value #OTHER_FOLDER} is chosen without a folder
     */
    public static String resolve(String chosen, File folder, String what) {
        if (OTHER_FOLDER.equals(chosen)) {
            if (folder == null || folder.getPath().isBlank()) {
                throw new IllegalArgumentException(what + ": '" + OTHER_FOLDER + "' is chosen but no model folder is given");
            }
            return folder.getPath();
        }
        return chosen == null || chosen.isBlank() ? null : chosen;
    }
}
