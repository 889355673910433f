/** The virtual user (virtual-execution.md "The virtual DB"): the only user a virtual DB holds. */
import { ensureVirtualUser, VIRTUAL_USER_ID } from "../db/snapshot";
import type { VirtualDb } from "../db/types";
import { Collections, type UserDocument } from "./types";

export { VIRTUAL_USER_ID };

export interface UserRepository {
  /** Inserts the virtual user unless a user with its `_id` exists; returns the stored user. */
  ensureVirtualUser(): UserDocument;
  getUser(userId: string): UserDocument | null;
}

export function createUserRepository(db: VirtualDb): UserRepository {
  const users = () => db.collection(Collections.users);

  return {
    ensureVirtualUser() {
      ensureVirtualUser(db);
      return users().findOne({ _id: VIRTUAL_USER_ID }) as unknown as UserDocument;
    },

    getUser(userId) {
      return users().findOne({ user_id: userId }) as unknown as UserDocument | null;
    },
  };
}
